import fs from 'node:fs';
import path from 'node:path';

/**
 * Holds a process (all its threads) to a share of the CPU with a Linux control group, so that
 * several instances on one small machine each get a fixed budget, as they would on machines of
 * their own. cgroup v1's `cpu` controller (`cpu.cfs_quota_us`) or v2's `cpu.max`; needs the right
 * to create a group (root, or a delegated subtree).
 */
export interface CpuCap {
  /** Puts the process in a group of its own limited to `cores` (e.g. 0.3). */
  limit(pid: number, cores: number): void;
  /** Removes the groups made (their processes must have exited). */
  release(): void;
}

const PERIOD_US = 100_000;

/** A CpuCap on this machine, or the reason there is none (no cgroup CPU controller we may use). */
export function cpuCap(prefix: string): CpuCap | { unavailable: string } {
  const v1 = '/sys/fs/cgroup/cpu';
  const v2 = '/sys/fs/cgroup';
  let base: string;
  let write: (dir: string, cores: number) => void;
  if (fs.existsSync(path.join(v1, 'cpu.cfs_quota_us'))) {
    base = v1;
    write = (dir, cores) => {
      fs.writeFileSync(path.join(dir, 'cpu.cfs_period_us'), String(PERIOD_US));
      fs.writeFileSync(path.join(dir, 'cpu.cfs_quota_us'), String(Math.round(cores * PERIOD_US)));
    };
  } else if (fs.existsSync(path.join(v2, 'cgroup.subtree_control')) && fs.readFileSync(path.join(v2, 'cgroup.subtree_control'), 'utf8').split(/\s+/).includes('cpu')) {
    base = v2;
    write = (dir, cores) => fs.writeFileSync(path.join(dir, 'cpu.max'), `${Math.round(cores * PERIOD_US)} ${PERIOD_US}`);
  } else {
    return { unavailable: 'no cgroup CPU controller (v1 cpu or v2 cpu.max) on this machine' };
  }
  const made: string[] = [];
  const probe = path.join(base, `${prefix}-probe-${process.pid}`);
  try {
    fs.mkdirSync(probe);
    fs.rmdirSync(probe);
  } catch (e) {
    return { unavailable: `cannot create a control group under ${base} (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  return {
    limit(pid, cores) {
      const dir = path.join(base, `${prefix}-${pid}`);
      fs.mkdirSync(dir, { recursive: true });
      made.push(dir);
      write(dir, cores);
      fs.writeFileSync(path.join(dir, 'cgroup.procs'), String(pid));
    },
    release() {
      for (const dir of made.splice(0)) {
        try {
          fs.rmdirSync(dir);
        } catch {
          // still has a process (it did not exit): left for the machine's owner
        }
      }
    },
  };
}
