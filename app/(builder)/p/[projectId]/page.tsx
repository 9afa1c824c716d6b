import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { idSchema } from "@/lib/projects/schema";
import { BuilderPage } from "../../builder-page";

export const metadata: Metadata = {
  title: "Project · Tessera",
};

/** A saved project, opened by its id (the client loads it through /api/projects). */
export default async function ProjectPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  if (!idSchema.safeParse(projectId).success) notFound();
  return <BuilderPage projectId={projectId} path={`/p/${projectId}`} />;
}
