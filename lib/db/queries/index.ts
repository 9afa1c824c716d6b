import "server-only";

/** Every query of user data, each taking the user id (DESIGN 4.1). */
export * from "./projects";
export * from "./content";
export * from "./sandboxes";
export * from "./previews";
export * from "./shares";
export * from "./keys";
export * from "./sessions";
export * from "./maintenance";
export { hashToken, newToken } from "./tokens";
