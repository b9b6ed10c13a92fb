"""Orders and concerns: the closed loop (given → acknowledged with read-back → done) and speaking up.

Every step is its own record linked by the order id (``o1``, ``o2``, …) or concern id (``c1``, …), so the
scorer can classify each loop as complete, incomplete or missed from the log alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crmsim.schema.units import Quantity

if TYPE_CHECKING:
    from crmsim.core.session import Session

OPEN_STATES = frozenset({"given", "acknowledged", "clarified", "in_progress", "carried_out"})


@dataclass
class OrderState:
    """One order and where it has got to."""

    id: str
    by: str
    to: str | None
    action: str
    dose: Quantity | None
    route: str | None
    rate: Quantity | None
    given_at: float
    state: str = "given"
    holder: str | None = None
    read_back: bool | None = None
    reported: bool = False

    def view(self) -> dict[str, Any]:
        """What the screen shows of the order."""
        return {
            "id": self.id, "by": self.by, "to": self.to, "action": self.action,
            "dose": str(self.dose) if self.dose else None, "route": self.route,
            "rate": str(self.rate) if self.rate else None, "state": self.state, "holder": self.holder,
            "read_back": self.read_back, "given_at": self.given_at,
        }  # fmt: skip


class OrderBook:
    """Open and closed orders and concerns of a session, with the labels scripts gave them."""

    def __init__(self) -> None:
        self.orders: dict[str, OrderState] = {}
        self.concerns: dict[str, dict[str, Any]] = {}
        self.labels: dict[str, str] = {}

    def resolve(self, ref: str) -> str:
        """An order or concern id from an id or a script label."""
        return self.labels.get(ref, ref)

    def new_order(self, order: OrderState, label: str | None) -> None:
        """Record a new order."""
        self.orders[order.id] = order
        if label:
            self.labels[label] = order.id

    def new_concern(self, concern_id: str, data: dict[str, Any], label: str | None) -> None:
        """Record a concern raised."""
        self.concerns[concern_id] = data
        if label:
            self.labels[label] = concern_id

    def next_order_id(self) -> str:
        """The id the next order gets."""
        return f"o{len(self.orders) + 1}"

    def next_concern_id(self) -> str:
        """The id the next concern gets."""
        return f"c{len(self.concerns) + 1}"

    def open_for(self, role: str) -> list[OrderState]:
        """Orders a role can still act on: addressed to it, or undirected and not yet taken."""
        return [o for o in self.orders.values() if o.state in OPEN_STATES and (o.to == role or o.to is None)]

    def carried_out(self, session: Session, order_id: str) -> None:
        """The ordered action is done; if its done report was already made, the loop closes now."""
        order = self.orders.get(order_id)
        if order is None or order.state not in OPEN_STATES:
            return
        order.state = "carried_out"
        if order.reported:
            self.close(session, order)

    def close(self, session: Session, order: OrderState) -> None:
        """Log the done report that closes the loop."""
        order.state = "done"
        role = session.team.role_of(order.holder or "") or order.to
        session.emit("OrderDone", order.holder or "system", {"order": order.id, "action": order.action, "role": role})
