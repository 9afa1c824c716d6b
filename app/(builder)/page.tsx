import type { Metadata } from "next";
import { BuilderPage } from "./builder-page";

export const metadata: Metadata = {
  title: "New project · Tessera",
};

/** A new project; it gets its own address (/p/<id>) once it is saved. */
export default function NewProjectPage() {
  return <BuilderPage path="/" />;
}
