// Writing the `automatic_backups:` section into the policy file's text: that key replaced (or added at
// the end), everything else — other keys, comments, `!secret` references — as it was.
import { isMap, parseDocument, Scalar, type Document } from 'yaml';
import { secretTag } from './load';

/** `secret`: the secrets.yaml name the encryption key is kept under, written as `encryption_key: !secret <name>`. */
export function withAutomaticSection(text: string, section: Record<string, unknown>, secret: string | undefined): string {
  const doc: Document = parseDocument(text, { customTags: [secretTag] });
  const node = doc.createNode(section);
  if (secret && isMap<unknown, unknown>(node)) {
    const ref = new Scalar(secret);
    ref.tag = '!secret';
    node.set(doc.createNode('encryption_key'), ref);
  }
  if (!isMap(doc.contents)) doc.contents = doc.createNode({});
  doc.set('automatic_backups', node);
  return doc.toString({ lineWidth: 0 });
}
