import { orm } from "@/lib/db/client";
import { deleteProject, readProjectDocument, updateProject } from "@/lib/db/queries";
import { json, route } from "@/lib/http/route";
import { rateRule } from "@/lib/limits";
import { stopProjectSandboxes } from "@/lib/projects/server";
import { sandboxProvider } from "@/lib/sandbox";
import { projectParams, updateProjectBody } from "./schema";

/** The whole project: messages, versions (file contents once each) and the last run. */
export const GET = route({
  params: projectParams,
  rateLimit: () => rateRule("projects"),
  handler: async ({ params, principal }) => json({ project: await readProjectDocument(await orm(), principal.userId, params.projectId) }),
});

export const PATCH = route({
  params: projectParams,
  body: updateProjectBody,
  rateLimit: () => rateRule("projects"),
  handler: async ({ params, body, principal }) => {
    const project = await updateProject(await orm(), principal.userId, params.projectId, body);
    return json({ project: { id: project.id, title: project.title, currentVersion: project.currentVersion, updatedAt: project.updatedAt.toISOString() } });
  },
});

/** Delete: hidden at once, its sandboxes stopped; POST …/restore brings it back within 10 s. */
export const DELETE = route({
  params: projectParams,
  // Deleting cannot be undone past a few seconds: Supabase confirms the session first.
  confirmSession: true,
  rateLimit: () => rateRule("projects"),
  handler: async ({ params, principal }) => {
    const { undoUntil } = await deleteProject(await orm(), principal.userId, params.projectId);
    await stopProjectSandboxes(sandboxProvider(), principal.userId, params.projectId);
    return json({ deleted: true, undoUntil: undoUntil.toISOString() });
  },
});
