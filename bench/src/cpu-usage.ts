import { readdirSync, readFileSync } from 'node:fs';

// CPU accounting from /proc, to say which process a benchmark's time went to. Clock ticks are 100 Hz
// on Linux x86-64 (getconf CLK_TCK).
const TICK_MS = 10;

/** user+system CPU of one live process, in ms. */
export function processCpuMs(pid: number): number {
  return statTimes(pid, false);
}

/**
 * CPU of one PostgreSQL server (the postmaster listening on `port` and its children), in ms, including
 * backends that have exited since (the postmaster accounts for its reaped children). Other clusters on
 * the machine (other test runs) are not counted.
 */
export function postgresCpuMs(port: number): number {
  const processes: Array<{ pid: number; ppid: number; cmdline: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      processes.push({ pid: Number(entry), ppid, cmdline });
    } catch {
      // exited meanwhile
    }
  }
  const postmaster = processes.find((p) => p.cmdline.includes(` -p ${port} `));
  if (!postmaster) return 0;
  let total = 0;
  for (const p of processes) {
    if (p.pid !== postmaster.pid && p.ppid !== postmaster.pid) continue;
    try {
      total += statTimes(p.pid, p.pid === postmaster.pid);
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

/** Busy and total CPU time of the whole machine (all cores), in ms. */
export function machineCpuMs(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const [, ...fields] = line.trim().split(/\s+/);
  const values = fields.map(Number);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: (total - idle) * TICK_MS, total: total * TICK_MS };
}

export interface CpuWindow {
  /** Ends the window: CPU ms per process group and the machine's busy share over it. */
  end(): { apiMs: number; postgresMs: number; machineBusyShare: number; machineBusyMs: number };
}

export function startCpuWindow(apiPid: number | null, postgresPort: number): CpuWindow {
  const api0 = apiPid === null ? 0 : processCpuMs(apiPid);
  const pg0 = postgresCpuMs(postgresPort);
  const m0 = machineCpuMs();
  return {
    end() {
      const m1 = machineCpuMs();
      return {
        apiMs: apiPid === null ? 0 : processCpuMs(apiPid) - api0,
        postgresMs: postgresCpuMs(postgresPort) - pg0,
        machineBusyShare: Math.round(((m1.busy - m0.busy) / Math.max(1, m1.total - m0.total)) * 100) / 100,
        machineBusyMs: m1.busy - m0.busy,
      };
    },
  };
}

function statTimes(pid: number, withChildren: boolean): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces), starting at field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const cutime = withChildren ? Number(fields[13]) : 0;
  const cstime = withChildren ? Number(fields[14]) : 0;
  return (utime + stime + cutime + cstime) * TICK_MS;
}
