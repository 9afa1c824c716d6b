export { DEFAULT_TEMPLATE_IDS, E2BProvider, type E2BProviderConfig } from "./provider";
