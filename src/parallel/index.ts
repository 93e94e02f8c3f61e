export * from "./check";
export * from "./precision";
export * from "./chunks";
export * from "./transfer-log";
export * from "./buffers";
export * from "./ring-all-reduce";
export * from "./tree-all-reduce";
export * from "./parameter-server";
