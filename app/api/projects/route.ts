import { orm } from "@/lib/db/client";
import { createProject, listProjects } from "@/lib/db/queries";
import { json, route } from "@/lib/http/route";
import { rateRule } from "@/lib/limits";
import { createProjectBody, listProjectsQuery } from "./schema";

/** The caller's projects, newest first (optionally filtered by a title search). */
export const GET = route({
  query: listProjectsQuery,
  rateLimit: () => rateRule("projects"),
  handler: async ({ query, principal }) => json({ projects: await listProjects(await orm(), principal.userId, { search: query.q }) }),
});

/** Create a project under the id the browser chose (a retry answers with the same project). */
export const POST = route({
  body: createProjectBody,
  rateLimit: () => rateRule("projects"),
  handler: async ({ body, principal }) => {
    const { project, created } = await createProject(await orm(), principal.userId, {
      id: body.id,
      title: body.title,
      ...(body.createdAt ? { createdAt: new Date(body.createdAt) } : {}),
    });
    return json({ project: { id: project.id, title: project.title, createdAt: project.createdAt.toISOString(), updatedAt: project.updatedAt.toISOString() } }, { status: created ? 201 : 200 });
  },
});
