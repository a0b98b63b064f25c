import { readFileSync, readdirSync } from 'node:fs';

/** Parent pid of every process we may see (Linux /proc); empty elsewhere. */
function parentsByPid(): Map<number, number> {
  const parents = new Map<number, number>();
  if (process.platform !== 'linux') return parents;
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return parents;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Field 4 (ppid) comes after the command name, which is in parentheses and may hold spaces.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(name), Number(fields[1]));
    } catch {
      // It exited while we looked.
    }
  }
  return parents;
}

/** Every live descendant of `root`, found through parent links, so children that left the group (setsid) are included. */
export function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, parent] of parentsByPid()) {
    const siblings = children.get(parent) ?? [];
    siblings.push(pid);
    children.set(parent, siblings);
  }
  const found: number[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop() ?? root;
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      pending.push(child);
    }
  }
  return found;
}

function signal(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/**
 * Kills a command and everything it started: its process group, plus every descendant that left the group
 * with setsid() while still linked to the tree. Descendants are collected before anything dies, since a
 * killed parent hands its children to init. (A child that daemonised *and* lost its parent before this
 * runs cannot be traced here; the isolated sandboxes kill it with their PID namespace.)
 */
export function killProcessTree(pid: number): void {
  if (process.platform === 'win32') {
    signal(pid);
    return;
  }
  const descendants = descendantsOf(pid);
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group is gone.
  }
  for (const descendant of descendants) signal(descendant);
}
