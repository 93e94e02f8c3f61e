"""PyTorch side of `npm run bench`: the same training workloads, timed the same way.

Reads the workloads and one thread count as JSON on stdin (written by
bench/pytorch.ts, which also sizes the BLAS and OpenMP pools through the
environment before torch is imported) and prints the result rows as JSON on
stdout: one per workload and precision. Each row also carries `cpuCores`:
the process's CPU time over the wall time of its timed runs (median), so a
run that did not get its cores, or whose threads busy-waited, shows it.
Uses only PyTorch and the standard library.
"""
import json
import statistics
import sys
import time

import torch


def build(workload, dtype):
    sizes = workload["sizes"]
    layers = []
    for l, activation in enumerate(workload["activations"]):
        linear = torch.nn.Linear(sizes[l], sizes[l + 1]).to(dtype)
        start = workload.get("start")
        if start is not None:
            # The source's weights, (outputs x inputs) like torch's own layout.
            with torch.no_grad():
                linear.weight.copy_(torch.tensor(start["weights"][l], dtype=dtype).reshape(sizes[l + 1], sizes[l]))
                linear.bias.copy_(torch.tensor(start["biases"][l], dtype=dtype))
        layers.append(linear)
        if activation == "relu":
            layers.append(torch.nn.ReLU())
        elif activation == "sigmoid":
            layers.append(torch.nn.Sigmoid())
        elif activation == "tanh":
            layers.append(torch.nn.Tanh())
        elif activation == "leaky-relu":
            layers.append(torch.nn.LeakyReLU(0.01))
        elif activation == "softplus":
            layers.append(torch.nn.Softplus())
        elif activation != "identity":
            # Never a silent identity: that would time a different network.
            raise ValueError(f"bench/pytorch_workloads.py: no PyTorch form for activation {activation!r}")
    return torch.nn.Sequential(*layers)


def batch(workload, dtype):
    n_in, n_out, size = workload["sizes"][0], workload["sizes"][-1], workload["batch"]
    generator = torch.Generator().manual_seed(7)
    if workload["data"] == "source-sample":
        return torch.tensor([[1.0, 0.0]], dtype=dtype), torch.tensor([[2.0]], dtype=dtype)
    if workload["data"] == "saddle":
        x = torch.rand(size, n_in, generator=generator, dtype=dtype) * 2 - 1
        return x, (x[:, 0] * x[:, 1]).unsqueeze(1).expand(size, n_out).contiguous()
    x = torch.rand(size, n_in, generator=generator, dtype=dtype)
    y = torch.zeros(size, n_out, dtype=dtype)
    y[torch.arange(size), torch.randint(n_out, (size,), generator=generator)] = 1
    return x, y


def trainer(workload, dtype):
    """The idiomatic step: zero_grad, forward, loss, backward, optimizer.step."""
    model = build(workload, dtype)
    x, y = batch(workload, dtype)
    optimizer = torch.optim.SGD(model.parameters(), lr=workload["learningRate"])

    def repeat(n):
        for _ in range(n):
            optimizer.zero_grad()
            # Squared error summed over outputs, mean over the batch: the engine's loss.
            loss = ((model(x) - y) ** 2).sum(dim=1).mean()
            loss.backward()
            optimizer.step()

    return repeat


# As bench/measure.ts: untimed steps first (the thread pools start, the allocator settles).
WARM_UP_SECONDS = 1.0


def median_throughput(repeat, runs, min_seconds):
    """Same rule as bench/measure.ts: warm up, grow the count until a run lasts long enough, run once more untimed, then take the median of timed runs.

    Returns (steps per second, cores' worth of CPU time during the timed runs), both medians.
    """
    warm_up = min(WARM_UP_SECONDS, 2.5 * min_seconds)
    started, chunk = time.perf_counter(), 1
    while time.perf_counter() - started < warm_up:
        repeat(chunk)
        chunk = min(2 * chunk, 1_000_000)
    count = 1
    while True:
        seconds, _ = timed(repeat, count)
        if seconds >= min_seconds / 4 or count >= 1e9:
            count = max(1, int(-(-count * min_seconds // max(seconds, 1e-9))))
            break
        count *= 10 if seconds < min_seconds / 100 else 2
    timed(repeat, count)  # warm-up at full length, as bench/measure.ts does
    results = [timed(repeat, count) for _ in range(runs)]
    return statistics.median(count / wall for wall, _ in results), statistics.median(cpu / wall for wall, cpu in results)


def timed(repeat, count):
    """Wall seconds and this process's CPU seconds (all its threads) of `count` steps."""
    wall, cpu = time.perf_counter(), time.process_time()
    repeat(count)
    return time.perf_counter() - wall, time.process_time() - cpu


def main():
    config = json.load(sys.stdin)
    # Intra-op threads split one product over cores; inter-op threads run independent operators of a graph, which eager training never has.
    torch.set_num_threads(config["threads"])
    torch.set_num_interop_threads(1)
    rows = []
    for workload in config["workloads"]:
        for dtype in ([torch.float32, torch.float64] if workload["float64"] else [torch.float32]):
            steps, cpu_cores = median_throughput(trainer(workload, dtype), config["runs"], config["minSeconds"])
            rows.append({
                "workload": workload["name"],
                "system": "pytorch",
                "precision": "float64" if dtype == torch.float64 else "float32",
                # What PyTorch says it used, not what it was asked for: the table reports the run.
                "threads": torch.get_num_threads(),
                "throughput": steps * workload["workPerStep"],
                "unit": workload["unit"],
                "cpuCores": cpu_cores,
            })
    json.dump({"torch": torch.__version__, "rows": rows}, sys.stdout)


if __name__ == "__main__":
    main()
