// Who holds a TCP port: on Linux, the listening socket's inode from /proc/net/tcp{,6}, then the process whose
// /proc/<pid>/fd links to it. Elsewhere (or without permission) only the number is reported.
import { promises as fs } from 'node:fs';

export interface PortHolder {
  pid: number;
  command: string;
}

export async function portHolder(port: number): Promise<PortHolder | undefined> {
  if (process.platform !== 'linux') return undefined;
  const inodes = new Set<string>();
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = await fs.readFile(f, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      const local = cols[1],
        state = cols[3],
        inode = cols[9];
      const hexPort = local.slice(local.lastIndexOf(':') + 1);
      if (state === '0A' && parseInt(hexPort, 16) === port && inode !== '0') inodes.add(inode); // 0A = LISTEN
    }
  }
  if (inodes.size === 0) return undefined;
  let pids: string[];
  try {
    pids = (await fs.readdir('/proc')).filter((p) => /^\d+$/.test(p));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = await fs.readdir(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = await fs.readlink(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m && inodes.has(m[1])) {
        let command = '';
        try {
          command = (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean).join(' ');
        } catch {
          /* gone */
        }
        return { pid: Number(pid), command: command.slice(0, 200) || '?' };
      }
    }
  }
  return undefined;
}

export async function describeBusyPort(port: number): Promise<string> {
  const h = await portHolder(port);
  return h ? `port ${port} is already in use by process ${h.pid} (${h.command})` : `port ${port} is already in use`;
}
