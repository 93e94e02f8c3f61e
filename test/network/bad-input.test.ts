import { describe, expect, it } from "vitest";
import { activations, fractionArithmetic, parseJsonStrict, parseNetwork, seedNetwork, traceStep, validateNetwork } from "../../src";

const step = { input: [1, 0], target: [2], learningRate: 0.01 };

describe("bad input gets an error naming what and where", () => {
  it("an input vector of the wrong length", () => {
    expect(() => traceStep(seedNetwork(), { ...step, input: [1, 0, 3] })).toThrow("input has 3 value(s) but the network has 2 (X1, X2)");
    expect(() => traceStep(seedNetwork(), { ...step, target: [2, 1] })).toThrow("target has 2 value(s) but the network has 1 (O5)");
  });

  it("NaN or Infinity in inputs or weights", () => {
    expect(() => traceStep(seedNetwork(), { ...step, input: [Number.NaN, 0] })).toThrow("input[0] (X1) is NaN; every value must be a finite number");
    expect(() => traceStep(seedNetwork(), { ...step, target: [Number.POSITIVE_INFINITY] })).toThrow("target[0] (O5) is Infinity");
    const network = seedNetwork();
    (network.layers[1]?.neurons[0]?.weights as Record<string, number>).H4 = Number.NaN;
    expect(() => traceStep(network, step)).toThrow("network.layers[1].neurons[0].weights.H4 (W54): expected a finite number, got NaN");
    const infinite = seedNetwork();
    (infinite.layers[0]?.neurons[1] as { bias: number }).bias = Number.NEGATIVE_INFINITY;
    expect(() => traceStep(infinite, step)).toThrow("network.layers[0].neurons[1].bias (b4): expected a finite number, got -Infinity");
  });

  it("an unknown activation", () => {
    const network = { ...seedNetwork(), layers: [{ ...seedNetwork().layers[0], activation: "relux" }, seedNetwork().layers[1]] };
    expect(() => validateNetwork(network)).toThrow(`network.layers[0].activation: unknown activation "relux"; known: ${Object.keys(activations).join(", ")}`);
  });

  it("a non-positive learning rate", () => {
    expect(() => traceStep(seedNetwork(), { ...step, learningRate: 0 })).toThrow("learning rate must be a positive finite number, got 0");
    expect(() => traceStep(seedNetwork(), { ...step, learningRate: Number.NaN })).toThrow("got NaN");
  });

  it("a weight naming a neuron that does not exist", () => {
    const network = seedNetwork();
    (network.layers[1]?.neurons[0]?.weights as Record<string, number>).H7 = 1;
    expect(() => validateNetwork(network, "net.json")).toThrow("net.json.layers[1].neurons[0].weights: 'H7' names no neuron of the previous layer (H3, H4), so O5 cannot take a weight from it");
  });

  it("malformed JSON, a reused neuron number, a transcendental activation in exact mode", () => {
    expect(() => parseNetwork("{ inputs: ", "broken.json")).toThrow(/^broken\.json: not valid JSON/);
    const twice = seedNetwork();
    (twice.layers[0]?.neurons[1] as { name: string }).name = "H3";
    expect(() => validateNetwork(twice)).toThrow("network.layers[0].neurons[1]: neuron 'H3' reuses number 3, already taken by H3");
    const sigmoid = { ...seedNetwork(), layers: [{ ...seedNetwork().layers[0], activation: "sigmoid" as const }, seedNetwork().layers[1]] };
    expect(() => traceStep(sigmoid as never, { ...step, arithmetic: fractionArithmetic })).toThrow("sigmoid needs exp(), which has no exact fraction value; use the float arithmetic");
  });

  it("a key given twice, anywhere in a network file, naming the key, the place and the file", () => {
    const twice = '{"inputs": ["X1"], "inputs": ["X2"], "layers": []}';
    expect(() => parseNetwork(twice, "dup.json")).toThrow('dup.json: duplicate key "inputs" in the top level (line 1, column 20)');
    const weights = JSON.stringify(seedNetwork(), null, 1).replace('"X2": 0.5', '"X2": 0.5, "X1": 7');
    expect(() => parseNetwork(weights, "w.json")).toThrow(/^w\.json: duplicate key "X1" in layers\[0\]\.neurons\[0\]\.weights \(line \d+, column \d+\)$/);
    // The same text without the duplicate still parses as JSON.parse reads it.
    expect(parseNetwork(JSON.stringify(seedNetwork()), "ok.json")).toEqual(seedNetwork());
  });

  it("a missing comma, colon or bracket, naming what was expected and where", () => {
    expect(() => parseJsonStrict('{"a":1,}', "t.json")).toThrow("t.json: not valid JSON: expected a quoted key in the top level (line 1, column 8)");
    expect(() => parseJsonStrict("[1,2", "t.json")).toThrow("t.json: not valid JSON: expected ',' or ']', found the end (line 1, column 5)");
    expect(() => parseJsonStrict('{"a" 1}', "t.json")).toThrow(`t.json: not valid JSON: expected ':' after a key, found "1" (line 1, column 6)`);
    expect(() => parseJsonStrict('{"a":1 "b":2}', "t.json")).toThrow(`t.json: not valid JSON: expected ',' or '}', found "\\"" (line 1, column 8)`);
    expect(parseJsonStrict('{"a":[1,[2,{"x":[]}]],"b":{ }}', "t.json")).toEqual({ a: [1, [2, { x: [] }]], b: {} });
    expect(parseJsonStrict("[ ]", "t.json")).toEqual([]);
  });

  it("JSON nested a million levels deep: one line naming the file, not a stack overflow", () => {
    expect(() => parseNetwork("[".repeat(1e6), "deep.json")).toThrow(/^deep\.json: nested too deeply at (\[0\])+ \(more than 256 levels\) \(line 1, column 258\)$/);
    expect(() => parseNetwork(`{"inputs": ${"{\"a\": ".repeat(1e6)}`, "deep.json")).toThrow(/^deep\.json: nested too deeply at inputs(\.a)+ /);
  });
});
