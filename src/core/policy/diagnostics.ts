// Diagnostics of the policy file: what is wrong, how bad, and exactly where (0-based line and
// character, in UTF-16 code units like VS Code's Position), so that the extension can hand them to
// a DiagnosticCollection as they are.

export type Severity = 'error' | 'warning' | 'information';

export interface Position {
  /** 0-based line. */
  line: number;
  /** 0-based column in UTF-16 code units. */
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** What kind of problem; stable, for tests and quick fixes. */
export type DiagnosticCode =
  | 'too-large'
  | 'too-deep'
  | 'too-many-values'
  | 'yaml-syntax'
  | 'yaml-warning'
  | 'multiple-documents'
  | 'unsupported-tag'
  | 'alias'
  | 'complex-key'
  | 'secret'
  | 'unknown-key'
  | 'missing-key'
  | 'schema'
  | 'schedule'
  | 'retention'
  | 'duplicate-name'
  | 'automatic-policy'
  | 'mixed-selection'
  | 'keep-days-in-backup'
  | 'too-many-problems';

export interface PolicyDiagnostic {
  message: string;
  severity: Severity;
  range: Range;
  code: DiagnosticCode;
  /** The value it is about, e.g. `policies[0].retention.keep_days`; absent for file-level problems. */
  path?: string;
}

/** Turns string offsets into 0-based positions. */
export class PositionMapper {
  /** Offset where each line begins. */
  private readonly lineStarts: number[] = [0];
  private readonly length: number;

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
    this.length = text.length;
  }

  position(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.lineStarts[middle] as number) <= clamped) low = middle;
      else high = middle - 1;
    }
    return { line: low, character: clamped - (this.lineStarts[low] as number) };
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(Math.max(start, end)) };
  }

  /** Offset of the end of the line that holds `offset` (before any \r\n). */
  lineEnd(text: string, offset: number): number {
    const newline = text.indexOf('\n', offset);
    const end = newline === -1 ? text.length : newline;
    return end > offset && text[end - 1] === '\r' ? end - 1 : end;
  }
}
