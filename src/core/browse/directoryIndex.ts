// A browsable directory tree built from an inner archive's entry list. Unsafe entries (paths that
// leave the archive, links pointing outside, devices) are left out and counted; directories that
// exist only implicitly (`a/b/c` without `a/`) are made up so every file can be reached.
import type { ArchiveEntry } from '../archive/entries';

export interface IndexNode {
  name: string;
  /** Path inside the archive (`.` for the root). */
  path: string;
  type: 'directory' | 'file' | 'symlink' | 'other';
  entry?: ArchiveEntry;
  children?: Map<string, IndexNode>;
}

export class DirectoryIndex {
  readonly root: IndexNode = { name: '', path: '.', type: 'directory', children: new Map() };
  readonly unsafe: ArchiveEntry[] = [];

  constructor(entries: readonly ArchiveEntry[]) {
    for (const entry of entries) {
      if (entry.unsafe) {
        this.unsafe.push(entry);
        continue;
      }
      if (entry.path === '.') continue;
      this.add(entry);
    }
  }

  private add(entry: ArchiveEntry): void {
    const segments = entry.path.split('/');
    let dir = this.root;
    for (let i = 0; i < segments.length - 1; i++) dir = this.childDirectory(dir, segments.slice(0, i + 1).join('/'), segments[i]!);
    const name = segments[segments.length - 1]!;
    const type =
      entry.type === 'directory'
        ? 'directory'
        : entry.type === 'file' || entry.type === 'contiguous-file'
          ? 'file'
          : entry.type === 'symlink' || entry.type === 'link'
            ? 'symlink'
            : 'other';
    const existing = dir.children!.get(name);
    if (existing && existing.type === 'directory' && type === 'directory') {
      existing.entry = entry;
      return;
    }
    // A path twice in one archive (appended tars): show the first, which is what openEntry reads.
    if (existing && existing.entry) return;
    dir.children!.set(name, { name, path: entry.path, type, entry, ...(type === 'directory' ? { children: existing?.children ?? new Map<string, IndexNode>() } : {}) });
  }

  private childDirectory(dir: IndexNode, path: string, name: string): IndexNode {
    let child = dir.children!.get(name);
    if (!child || child.type !== 'directory') {
      child = { name, path, type: 'directory', children: new Map() };
      dir.children!.set(name, child);
    }
    return child;
  }

  /** The node at `path` (`.` or `` for the root), or undefined. */
  find(path: string): IndexNode | undefined {
    if (path === '' || path === '.') return this.root;
    let node: IndexNode | undefined = this.root;
    for (const segment of path.split('/')) {
      node = node?.children?.get(segment);
      if (!node) return undefined;
    }
    return node;
  }

  /** Children of a directory: directories first, then by name. */
  list(path: string): IndexNode[] {
    const dir = this.find(path);
    if (!dir?.children) return [];
    return [...dir.children.values()].sort((a, b) => ((a.type === 'directory') === (b.type === 'directory') ? a.name.localeCompare(b.name) : a.type === 'directory' ? -1 : 1));
  }
}
