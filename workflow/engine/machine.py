"""A pytransitions machine built for one firing, bound to a small adapter, never to the ORM row.

The machine is the table of legal edges: built fresh from the persisted state, with no
automatic ``to_<state>`` shortcuts, and with each spec's guards as its conditions.
"""

from __future__ import annotations

from transitions import Machine, MachineError

from states.spec import GuardContext, ProcedureSpec, TransitionSpec


class CaseModel:
    """What pytransitions moves: only a state and the transition it took."""

    def __init__(self) -> None:
        self.taken: TransitionSpec | None = None


def build_machine(spec: ProcedureSpec, state: str, ctx: GuardContext) -> CaseModel:
    model = CaseModel()

    def take(t: TransitionSpec):
        def callback(_event) -> None:
            model.taken = t

        return callback

    def condition(guard):
        return lambda _event: guard(ctx).ok

    # only the edges leaving the state: the others cannot fire from it, and building a
    # machine's transitions is most of what a machine costs
    transitions = [
        {
            "trigger": t.trigger,
            "source": state,
            "dest": t.dest,
            "conditions": [condition(g) for g in t.guards],
            "before": take(t),
        }
        for t in spec.transitions_from(state)
    ]
    machine = Machine(
        model=model,
        states=list(spec.states),
        transitions=transitions,
        initial=state,
        auto_transitions=False,
        send_event=True,
        ignore_invalid_triggers=False,
    )
    leaving = model.trigger

    def trigger(name: str, *args, **kwargs):
        # a trigger of the procedure with no edge from this state: refused as pytransitions
        # refuses any trigger without an edge from the current state
        if name not in machine.events:
            raise MachineError(f"Can't trigger event {name} from state {state}!")
        return leaving(name, *args, **kwargs)

    model.trigger = trigger
    return model
