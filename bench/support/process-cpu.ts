import { readFileSync } from 'node:fs';

/** /proc counts CPU time in USER_HZ ticks, which Linux fixes at 100 a second for user space. */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system, every thread) a process has used so far, in
 * seconds, read from /proc/<pid>/stat; undefined where there is no /proc
 * (not Linux) or no such process. Only differences between two readings mean
 * anything, to the nearest 10 ms.
 */
export function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // The command name (field 2) may hold spaces; the fields after its closing bracket do not.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat (utime, stime) are 12 and 13 after the bracket.
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
