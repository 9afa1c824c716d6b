"use client";

import * as React from "react";
import * as TabsPrimitive from "@radix-ui/react-tabs";
import { cn } from "@/lib/utils";

/*
 * Radix Tabs, with two adjustments for the strict CSP (style-src without 'unsafe-inline'), under
 * which any style="" attribute in server-rendered HTML is a policy violation:
 *
 * - Radix's roving-focus list renders style="outline:none"; TabsList overrides that key with
 *   `undefined` (so React renders no attribute) and uses the equivalent class instead.
 * - Radix's TabsContent always renders style="animation-duration:0s" on the selected panel, with no
 *   way to opt out. TabsContent here is a plain tab panel wired to the same ids: Root is always
 *   controlled, and Triggers get explicit ids that the panels reference.
 */

const NO_INLINE_STYLE: React.CSSProperties = { outline: undefined };

interface TabsState {
  baseId: string;
  value: string;
}

const TabsStateContext = React.createContext<TabsState | null>(null);

function useTabsState(component: string): TabsState {
  const state = React.useContext(TabsStateContext);
  if (!state) throw new Error(`<${component}> must be used inside <Tabs>`);
  return state;
}

const triggerId = (baseId: string, value: string) => `${baseId}-trigger-${value}`;
const panelId = (baseId: string, value: string) => `${baseId}-panel-${value}`;

export function Tabs({ value: valueProp, defaultValue, onValueChange, className, ...props }: React.ComponentProps<typeof TabsPrimitive.Root>) {
  const baseId = React.useId();
  const [uncontrolled, setUncontrolled] = React.useState(defaultValue ?? "");
  const value = valueProp ?? uncontrolled;
  const handleValueChange = React.useCallback(
    (next: string) => {
      if (valueProp === undefined) setUncontrolled(next);
      onValueChange?.(next);
    },
    [valueProp, onValueChange],
  );
  const state = React.useMemo(() => ({ baseId, value }), [baseId, value]);
  return (
    <TabsStateContext.Provider value={state}>
      <TabsPrimitive.Root
        data-slot="tabs"
        value={value}
        onValueChange={handleValueChange}
        className={cn("flex flex-col gap-2", className)}
        {...props}
      />
    </TabsStateContext.Provider>
  );
}

export function TabsList({ className, ...props }: Omit<React.ComponentProps<typeof TabsPrimitive.List>, "style">) {
  return (
    <TabsPrimitive.List
      data-slot="tabs-list"
      style={NO_INLINE_STYLE}
      className={cn("inline-flex h-9 w-fit items-center justify-center rounded-lg bg-muted p-1 text-muted-foreground outline-none", className)}
      {...props}
    />
  );
}

export function TabsTrigger({ className, value, ...props }: React.ComponentProps<typeof TabsPrimitive.Trigger>) {
  const { baseId } = useTabsState("TabsTrigger");
  return (
    <TabsPrimitive.Trigger
      data-slot="tabs-trigger"
      value={value}
      id={triggerId(baseId, value)}
      aria-controls={panelId(baseId, value)}
      className={cn(
        "inline-flex h-full flex-1 items-center justify-center gap-1.5 rounded-md px-3 py-1 text-sm font-medium whitespace-nowrap",
        "text-muted-foreground transition-colors hover:text-foreground outline-none",
        "focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-offset-1 focus-visible:ring-offset-muted",
        "data-[state=active]:bg-background data-[state=active]:text-foreground data-[state=active]:shadow-sm",
        "disabled:pointer-events-none disabled:opacity-50 [&_svg]:pointer-events-none [&_svg]:shrink-0 [&_svg:not([class*='size-'])]:size-4",
        className,
      )}
      {...props}
    />
  );
}

interface TabsContentProps extends Omit<React.ComponentProps<"div">, "style" | "hidden"> {
  value: string;
  /** Keep the panel mounted (hidden) while another tab is selected, e.g. so a preview frame keeps its state. */
  forceMount?: boolean;
}

export function TabsContent({ className, value, forceMount = false, children, ...props }: TabsContentProps) {
  const state = useTabsState("TabsContent");
  const selected = state.value === value;
  if (!selected && !forceMount) return null;
  return (
    <div
      data-slot="tabs-content"
      role="tabpanel"
      id={panelId(state.baseId, value)}
      aria-labelledby={triggerId(state.baseId, value)}
      data-state={selected ? "active" : "inactive"}
      hidden={!selected}
      tabIndex={0}
      className={cn("flex-1 outline-none focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-inset", className)}
      {...props}
    >
      {children}
    </div>
  );
}
