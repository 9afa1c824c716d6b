import { orm } from "@/lib/db/client";
import { restoreProject } from "@/lib/db/queries";
import { json, route } from "@/lib/http/route";
import { rateRule } from "@/lib/limits";
import { projectParams } from "./schema";

/** Undo a delete within its window; afterwards the project is gone and this is 404. */
export const POST = route({
  params: projectParams,
  rateLimit: () => rateRule("projects"),
  handler: async ({ params, principal }) => {
    const project = await restoreProject(await orm(), principal.userId, params.projectId);
    return json({ project: { id: project.id, title: project.title, updatedAt: project.updatedAt.toISOString() } });
  },
});
