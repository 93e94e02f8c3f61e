/** node:util for the browser bundle: Node's own inspect and format, extracted (npm node-inspect-extracted), so results print as the kernel prints them. */
export { inspect, format } from "node-inspect-extracted";
