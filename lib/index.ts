// The public API of `bedrock-bench`: re-exports only. One concept per module.
export { VERSION } from "./version";
export * from "./records";
export * from "./html";
export * from "./html-table";
export * from "./plotly-embed";
export * from "./display";
export * from "./notebook-params";
export * from "./notebook-runner";
export * from "./project-paths";
export * from "./demo";
export * from "./progress-view";
export * from "./column-reference";
export * from "./emulator";
