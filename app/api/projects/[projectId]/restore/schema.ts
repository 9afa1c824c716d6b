export { projectParams } from "../schema";
