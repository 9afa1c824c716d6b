import Markdown, { type Components } from "react-markdown";
import rehypeSanitize from "rehype-sanitize";
import { cn } from "@/lib/utils";

/*
 * Chat text is model output: untrusted. Raw HTML is skipped (never parsed into elements), the
 * result is sanitized against rehype-sanitize's GitHub-like schema, and images are dropped: a
 * remote image would be a tracking beacon (and the CSP would refuse it anyway).
 */

const components: Components = {
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow" className="font-medium text-primary underline underline-offset-2">
      {children}
    </a>
  ),
};

const REHYPE = [rehypeSanitize];
const DROPPED = ["img"];

export function ChatMarkdown({ children, className }: { children: string; className?: string }) {
  return (
    <div
      className={cn(
        "min-w-0 text-sm leading-relaxed break-words",
        "[&_p]:my-2 [&>*:first-child]:mt-0 [&>*:last-child]:mb-0",
        "[&_ul]:my-2 [&_ul]:list-disc [&_ul]:pl-5 [&_ol]:my-2 [&_ol]:list-decimal [&_ol]:pl-5 [&_li]:my-0.5",
        "[&_h1]:mt-3 [&_h1]:mb-2 [&_h1]:text-base [&_h1]:font-semibold [&_h2]:mt-3 [&_h2]:mb-2 [&_h2]:font-semibold [&_h3]:mt-2 [&_h3]:font-semibold",
        "[&_code]:rounded [&_code]:bg-muted [&_code]:px-1 [&_code]:py-0.5 [&_code]:font-mono [&_code]:text-[0.85em]",
        "[&_pre]:my-2 [&_pre]:max-h-80 [&_pre]:overflow-auto [&_pre]:rounded-md [&_pre]:bg-muted [&_pre]:p-3 [&_pre_code]:bg-transparent [&_pre_code]:p-0",
        "[&_blockquote]:border-l-2 [&_blockquote]:pl-3 [&_blockquote]:text-muted-foreground",
        className,
      )}
    >
      <Markdown skipHtml rehypePlugins={REHYPE} disallowedElements={DROPPED} components={components}>
        {children}
      </Markdown>
    </div>
  );
}
