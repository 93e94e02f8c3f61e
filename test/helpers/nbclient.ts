/**
 * nbclient waits only 4 s after a cell's reply for the outputs still on their
 * way, then goes on without them and without an error. On a busy machine
 * that loses a figure silently; wait a minute, and fail if it is not enough.
 */
export const NBCLIENT_WAITS_FOR_OUTPUTS = ["--ExecutePreprocessor.iopub_timeout=60", "--ExecutePreprocessor.raise_on_iopub_timeout=True"];
