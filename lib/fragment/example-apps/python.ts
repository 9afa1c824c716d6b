// Python examples: numpy, pandas and matplotlib only (the template's own packages).

export const SALES_CHART = `import matplotlib.pyplot as plt
import numpy as np

rng = np.random.default_rng(7)
months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
trend = np.linspace(42, 78, len(months))
season = 9 * np.sin(np.linspace(0, 2 * np.pi, len(months)))
revenue = np.round(trend + season + rng.normal(0, 4, len(months)), 1)  # thousands of dollars
target = np.full(len(months), 60.0)

fig, (bars, running) = plt.subplots(1, 2, figsize=(11, 4.2), gridspec_kw={"width_ratios": [3, 2]})
fig.suptitle("Revenue 2024", fontsize=15, fontweight="bold")

colors = ["#16a34a" if r >= t else "#f97316" for r, t in zip(revenue, target)]
bars.bar(months, revenue, color=colors)
bars.axhline(60, color="#334155", linestyle="--", linewidth=1, label="Monthly target")
bars.set_ylabel("Revenue (k$)")
bars.set_title("By month: green met the target")
bars.legend(loc="upper left", frameon=False)
for side in ("top", "right"):
    bars.spines[side].set_visible(False)

cumulative = np.cumsum(revenue)
running.plot(months, cumulative, marker="o", color="#4f46e5", linewidth=2)
running.fill_between(months, cumulative, alpha=0.12, color="#4f46e5")
running.set_title("Year to date")
running.tick_params(axis="x", labelrotation=45)
for side in ("top", "right"):
    running.spines[side].set_visible(False)

fig.tight_layout()

best = int(np.argmax(revenue))
print(f"Total revenue: {cumulative[-1]:.1f}k$")
print(f"Best month: {months[best]} ({revenue[best]}k$)")
print(f"Months on target: {int((revenue >= target).sum())} of {len(months)}")
`;

export const ORDERS_TABLE = `import numpy as np
import pandas as pd

rng = np.random.default_rng(42)
regions = ["North", "South", "East", "West"]
products = {"Desk lamp": 39.0, "Office chair": 189.0, "Standing desk": 449.0, "Monitor arm": 79.0}

orders = pd.DataFrame({
    "region": rng.choice(regions, 400, p=[0.3, 0.2, 0.3, 0.2]),
    "product": rng.choice(list(products), 400),
    "quantity": rng.integers(1, 6, 400),
})
orders["revenue"] = orders["quantity"] * orders["product"].map(products)

print(f"{len(orders)} orders, {orders['quantity'].sum()} items, {orders['revenue'].sum():,.0f} $ in total")

summary = (
    orders.groupby("region")
    .agg(orders=("product", "size"), items=("quantity", "sum"), revenue=("revenue", "sum"))
    .assign(
        avg_order=lambda d: (d["revenue"] / d["orders"]).round(2),
        share=lambda d: (100 * d["revenue"] / d["revenue"].sum()).round(1),
        top_product=orders.groupby("region")["product"].agg(lambda s: s.value_counts().idxmax()),
    )
    .sort_values("revenue", ascending=False)
)
summary
`;

export const BIRTHDAY_SIMULATION = `import math

import numpy as np

rng = np.random.default_rng(2024)
TRIALS = 20_000


def exact(people: int) -> float:
    """Probability that at least two of \`people\` share a birthday (365 equally likely days)."""
    none_shared = math.prod((365 - k) / 365 for k in range(people))
    return 1 - none_shared


def simulated(people: int) -> float:
    days = rng.integers(0, 365, size=(TRIALS, people))
    days.sort(axis=1)
    return float((np.diff(days, axis=1) == 0).any(axis=1).mean())


print(f"Birthday paradox: {TRIALS:,} simulated rooms per group size\\n")
print(f"{'people':>6}  {'simulated':>9}  {'exact':>7}  {'error':>6}")
for people in (5, 10, 15, 20, 23, 30, 40, 50, 60):
    sim, ex = simulated(people), exact(people)
    bar = "#" * round(sim * 30)
    print(f"{people:>6}  {sim:>9.3f}  {ex:>7.3f}  {abs(sim - ex):>6.3f}  {bar}")

smallest = next(n for n in range(1, 366) if exact(n) >= 0.5)
print(f"\\nWith {smallest} people, a shared birthday is more likely than not.")
`;
