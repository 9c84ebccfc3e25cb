// CPU accounting for a run (Linux /proc; elsewhere every figure is null): the CPU time of this process's descendants
// (the sink, the driver and what it starts: Redis workers; the Redis server bench/redis.mjs starts), and the machine's
// CPU time from /proc/stat, so a run can say how much CPU the whole path took per event, how busy the machine's cores
// were, and how much of the machine other processes took meanwhile (a contended run is told apart from a slow one).
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const TICK_S = 0.01; // USER_HZ is 100 on Linux

/** utime + stime of a process, in s, and its parent pid; null if it is gone. */
function procStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command may contain spaces and parentheses: the fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), cpuS: (Number(fields[11]) + Number(fields[12])) * TICK_S };
  } catch {
    return null;
  }
}

/** CPU seconds used so far by every living descendant of this process, by pid; null off Linux. */
export function descendantsCpu() {
  let pids;
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return null;
  }
  const stats = new Map();
  for (const pid of pids) {
    const s = procStat(pid);
    if (s) stats.set(Number(pid), s);
  }
  const mine = new Map();
  const isMine = (pid, depth = 0) => {
    if (pid === process.pid) return true;
    const s = stats.get(pid);
    return s !== undefined && depth < 64 && s.ppid > 1 && isMine(s.ppid, depth + 1);
  };
  for (const [pid, s] of stats) if (pid !== process.pid && isMine(pid)) mine.set(pid, s.cpuS);
  return mine;
}

/** Busy and total CPU seconds of the whole machine so far (/proc/stat), null off Linux. */
export function machineCpu() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    return { busyS: busy * TICK_S, totalS: (busy + idle + iowait) * TICK_S };
  } catch {
    return null;
  }
}

/** A sample to pass to `cpuBetween`. */
export const cpuSample = () => ({ tree: descendantsCpu(), machine: machineCpu(), self: process.cpuUsage(), at: performance.now() });

/**
 * What happened between two samples: `runCpuS`, the CPU of this process's descendants (those alive at the end; a
 * process started in between counts from its start); `otherCores`, the machine's busy time not ours, as cores on
 * average; `busyShare`, the run's CPU over the wall time times the cores. Nulls off Linux.
 */
export function cpuBetween(a, b) {
  if (!a.tree || !b.tree || !a.machine || !b.machine) return { runCpuS: null, otherCores: null, busyShare: null };
  let runCpuS = 0;
  for (const [pid, cpuS] of b.tree) runCpuS += cpuS - (a.tree.get(pid) ?? 0);
  const wallS = (b.at - a.at) / 1000;
  const selfS = (b.self.user + b.self.system - a.self.user - a.self.system) / 1e6;
  const otherS = Math.max(0, b.machine.busyS - a.machine.busyS - runCpuS - selfS);
  const cores = availableParallelism();
  return { runCpuS, otherCores: wallS > 0 ? otherS / wallS : null, busyShare: wallS > 0 ? runCpuS / (wallS * cores) : null };
}
