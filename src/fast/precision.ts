/** The number format the fast path computes in: float64 (the traced path's numbers bit for bit) or float32. */
export type Precision = "float64" | "float32";
