import { orm } from "@/lib/db/client";
import { readVersions, requireProject } from "@/lib/db/queries";
import { AppError } from "@/lib/errors";
import { exportFileName, exportVersionZip } from "@/lib/export";
import { route } from "@/lib/http/route";
import { rateRule } from "@/lib/limits";
import { exportParams } from "./schema";

/** One version as a ZIP, streamed, with a README saying how to run it outside Tessera. */
export const GET = route({
  params: exportParams,
  rateLimit: () => rateRule("export"),
  handler: async ({ params, principal }) => {
    const db = await orm();
    const project = await requireProject(db, principal.userId, params.projectId);
    const [version] = await readVersions(db, principal.userId, params.projectId, params.n);
    if (!version) throw new AppError("not_found", `This project has no version ${params.n}.`);
    const name = exportFileName(project.title, version.n);
    const body = exportVersionZip({ title: project.title, n: version.n, template: version.template, files: version.files, dependencies: version.dependencies, entry: version.entry, port: version.port });
    return new Response(body, { headers: { "content-type": "application/zip", "content-disposition": name.contentDisposition } });
  },
});
