"""Mermaid diagrams of a plan's flows, drawn from the same validated YAML the bot runs."""
from __future__ import annotations

import re

from .model import Knowledge, ResolvedFlow


def _label(text: str) -> str:
    # Mermaid labels in quotes: no double quotes or line breaks inside.
    return re.sub(r"\s+", " ", text).replace('"', "'").strip()


def flow_to_mermaid(flow: ResolvedFlow) -> str:
    """One flow as a Mermaid flowchart: steps as questions, choices as edges, outcomes with their contacts."""
    lines = ["flowchart TD", f'    start(["{_label(flow.flow.title)}"]) --> step_{flow.flow.start.replace("-", "_")}']
    for step in flow.flow.steps:
        node = f"step_{step.id.replace('-', '_')}"
        lines.append(f'    {node}{{"{_label(step.question)}"}}')
        for choice in step.choices:
            target = (f"step_{choice.next.replace('-', '_')}" if choice.next
                      else f"out_{choice.outcome.replace('-', '_')}")
            lines.append(f'    {node} -- "{_label(choice.label)}" --> {target}')
    for outcome_id, resolved in flow.outcomes.items():
        contacts = ", ".join(c.name + (f" {c.phone}" if c.phone else "") for c in resolved.contacts)
        shape = ("[[", "]]") if resolved.outcome.kind == "acute" else ("[", "]")
        lines.append(f'    out_{outcome_id.replace("-", "_")}{shape[0]}"{_label(resolved.outcome.title)}'
                     f'<br/><small>{_label(contacts)}</small>"{shape[1]}')
    for outcome_id, resolved in flow.outcomes.items():
        if resolved.outcome.kind == "acute":
            lines.append(f"    style out_{outcome_id.replace('-', '_')} fill:#fde7e9,stroke:#c50f1f")
    return "\n".join(lines) + "\n"


def plan_flows_markdown(knowledge: Knowledge) -> str:
    """Every flow of a plan as a Markdown page with Mermaid blocks, for the vidensteam to review."""
    parts = [f"# Guides i {knowledge.meta.municipality}s plan\n",
             "Tegnet automatisk fra planens YAML (`make flows`). Røde bokse er akutte udfald.\n"]
    for flow in knowledge.flows.values():
        parts.append(f"## {flow.flow.title}\n\n```mermaid\n{flow_to_mermaid(flow)}```\n")
    return "\n".join(parts)
