// A `!secret name` in a generated file: the name goes into the file, never the value (Home Assistant
// reads secrets.yaml when it loads the package).

export class SecretRef {
  constructor(readonly name: string) {}

  toJSON(): { '!secret': string } {
    return { '!secret': this.name };
  }
}

export function isSecretRef(value: unknown): value is SecretRef {
  return value instanceof SecretRef;
}
