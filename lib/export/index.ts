export { exportFileName, exportVersionZip, planExport, type ExportInput, type ExportPlan } from "./zip";
export { scaffoldFor, SCAFFOLD_VERSIONS, PYTHON_BASE_PACKAGES, type ScaffoldFile, type ScaffoldInput } from "./scaffold";
export { exportReadme, type ReadmeInput } from "./readme";
export { folderName, projectSlug, slugify } from "./names";
