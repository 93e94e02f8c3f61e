import { existsSync, readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import type { Precision } from "../src";

/**
 * The machine the figures come from: its cores and clock, the most its
 * cores could compute (the native peak), and how busy other processes kept
 * it, because a benchmark on a shared machine is only comparable with
 * another run when both were quiet.
 */
export interface Machine {
  cores: number;
  cpu: string;
  node: string;
  /** The clock the native peak assumes, in GHz, and the file it was read from. */
  clockGHz: number;
  clockSource: string;
  /** Both instruction sets the native peak assumes (from the cpu flags). */
  avx2Fma: boolean;
}


/** GFLOP/s by precision, for one core and for all of them. */
export interface NativePeak {
  perCore: Record<Precision, number>;
  allCores: Record<Precision, number>;
  /** How the figure was derived, in one line. */
  method: string;
}

const maxFrequencyFile = "/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq";

/** Reads the machine from /proc/cpuinfo, preferring the highest clock cpufreq reports (virtual machines often have none). */
export function describeMachine(cpuinfo = readIfPresent("/proc/cpuinfo"), maxFrequencyKHz = readIfPresent(maxFrequencyFile)): Machine {
  const field = (name: string): string | undefined => cpuinfo.match(new RegExp(`^${name}\\s*:\\s*(.*)$`, "m"))?.[1]?.trim();
  const flags = new Set((field("flags") ?? "").split(/\s+/));
  const cores = cpuinfo === "" ? cpus().length : (cpuinfo.match(/^processor\s*:/gm) ?? []).length;
  const cpu = field("model name") ?? cpus()[0]?.model.trim() ?? "unknown cpu";
  const maxKHz = Number(maxFrequencyKHz.trim());
  const mhz = Number(field("cpu MHz"));
  const clock =
    maxFrequencyKHz.trim() !== "" && maxKHz > 0
      ? { clockGHz: maxKHz / 1e6, clockSource: `${maxFrequencyFile} (highest clock)` }
      : Number.isFinite(mhz) && mhz > 0
        ? { clockGHz: mhz / 1e3, clockSource: "/proc/cpuinfo cpu MHz (the clock when read)" }
        : { clockGHz: 0, clockSource: "no clock found in /proc/cpuinfo" };
  return { cores, cpu, node: process.versions.node, ...clock, avx2Fma: flags.has("avx2") && flags.has("fma") };
}

/**
 * The native peak: cores x GHz x flops per cycle. With AVX2 and FMA a core
 * retires two 256-bit fused multiply-adds per cycle (Intel since Haswell, AMD
 * since Zen 2; Zen 1 has half that, which this does not detect), each 8
 * float32 or 4 float64 lanes of a multiply and an add: 32 float32 or 16
 * float64 flops per cycle. No program reaches it; it is the ceiling.
 * Undefined when the flags or the clock are missing: no figure beats a guessed one.
 */
export function nativePeak(machine: Machine): NativePeak | undefined {
  if (!machine.avx2Fma || machine.clockGHz <= 0) return undefined;
  const perCore = { float32: machine.clockGHz * 32, float64: machine.clockGHz * 16 };
  return {
    perCore,
    allCores: { float32: perCore.float32 * machine.cores, float64: perCore.float64 * machine.cores },
    method: `${machine.cores} cores x ${machine.clockGHz.toFixed(2)} GHz (${machine.clockSource}) x 32 float32 / 16 float64 flops per cycle (AVX2+FMA: two 256-bit FMA units)`,
  };
}

/** Above this 1-minute load average, other processes share the cores with the benchmark. */
export function busyLoad(cores: number): number {
  return 0.5 * cores;
}

export function loadAverage(): number {
  return loadavg()[0] as number;
}

/** A loud line when the load says the figures are not comparable with a quiet run, else undefined. */
export function busyWarning(what: string, load: number, cores: number): string | undefined {
  if (load <= busyLoad(cores)) return undefined;
  return `WARNING: ${what} ${load.toFixed(2)} is above ${busyLoad(cores).toFixed(1)} (half of ${cores} cores): other processes are using the cores, so these figures are NOT comparable with a quiet run`;
}

/** Clock ticks of the whole machine and of this process (its threads and the children it waited for, e.g. PyTorch). */
export interface CpuTicks {
  total: number;
  busy: number;
  own: number;
}

/** Undefined where /proc is missing (not Linux). */
export function cpuTicks(stat = readIfPresent("/proc/stat"), selfStat = readIfPresent("/proc/self/stat")): CpuTicks | undefined {
  const line = stat.split("\n")[0] ?? "";
  if (!line.startsWith("cpu ") || selfStat === "") return undefined;
  // user nice system idle iowait irq softirq steal ...: time stolen by the hypervisor is neither ours nor our neighbours' on this machine.
  const [user, nice, system, idle, iowait, irq, softirq] = line.trim().split(/\s+/).slice(1, 8).map(Number) as number[];
  const busy = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0);
  // After the command name (which may hold spaces) come state, ppid, ...: utime, stime, cutime, cstime are fields 14-17.
  const fields = selfStat.slice(selfStat.lastIndexOf(")") + 2).split(" ").map(Number);
  const own = (fields[11] ?? 0) + (fields[12] ?? 0) + (fields[13] ?? 0) + (fields[14] ?? 0);
  return { total: busy + (idle ?? 0) + (iowait ?? 0), busy, own };
}

/** Cores' worth of work other processes did between two readings: the part of the machine the benchmark did not have. */
export function othersCores(before: CpuTicks, after: CpuTicks, cores: number): number {
  const total = after.total - before.total;
  if (total <= 0) return 0;
  return (Math.max(0, after.busy - before.busy - (after.own - before.own)) / total) * cores;
}

function readIfPresent(file: string): string {
  return existsSync(file) ? readFileSync(file, "utf8") : "";
}
