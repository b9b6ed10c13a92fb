"""Which generic metrics rate which framework element: crmsim's mapping, one table per framework.

Scenario markers add to this: a marker rates every element its ``evidences`` names (an element, or each element
of a category named), and every ``core`` element whose ``maps_to`` names one of those. An element with neither a
metric below nor a marker is "not observed". Global items (``team.item_12_global_rating``, ``ottawa.overall``)
are rated from all the other elements of their framework. The mapping is a judgement call, documented element by
element in ``docs/scoring.md``; it is data, so it can be reviewed and changed without touching the rating code.
"""

from __future__ import annotations

from collections.abc import Mapping

#: Metrics whose owner is the team leader: a leader who did not do it themselves is rated on the team's result.
LEADER_OWNED = frozenset({"help_call", "sbar", "declaration", "summaries", "role_allocation", "directed_orders",
                          "timeline", "cognitive_aid", "concern_response"})  # fmt: skip

#: Elements rated as the framework's global rating: the mean of every other element.
GLOBAL_ELEMENTS = frozenset({"team.item_12_global_rating", "ottawa.overall"})

#: "<framework>.<element>" -> the generic metrics that rate it.
RULES: Mapping[str, tuple[str, ...]] = {
    # ANTS (Fletcher et al. 2003)
    "ants.planning_and_preparing": ("summaries", "role_allocation", "cognitive_aid"),
    "ants.prioritising": ("timeline", "fixation"),
    "ants.providing_and_maintaining_standards": ("timeline", "cross_check", "closed_loop", "cognitive_aid"),
    "ants.identifying_and_utilising_resources": ("help_call", "workload", "role_allocation"),
    "ants.coordinating_activities_with_team": ("role_allocation", "directed_orders", "workload"),
    "ants.exchanging_information": ("closed_loop", "summaries", "sbar", "recognition"),
    "ants.using_authority_and_assertiveness": ("directed_orders", "speaking_up", "concern_response"),
    "ants.assessing_capabilities": ("speaking_up", "cross_check"),
    "ants.supporting_others": ("concern_response", "closed_loop"),
    "ants.gathering_information": ("recognition", "reassessment"),
    "ants.recognising_and_understanding": ("declaration", "recognition"),
    "ants.anticipating": ("summaries", "help_call"),
    "ants.identifying_options": ("fixation", "cognitive_aid"),
    "ants.balancing_risks_and_selecting_options": ("timeline", "speaking_up"),
    "ants.re_evaluating": ("reassessment", "fixation"),
    # NOTSS (Yule et al. 2008)
    "notss.gathering_information": ("recognition", "reassessment"),
    "notss.understanding_information": ("declaration", "recognition"),
    "notss.projecting_and_anticipating_future_state": ("summaries", "help_call"),
    "notss.considering_options": ("fixation", "cognitive_aid"),
    "notss.selecting_and_communicating_option": ("declaration", "directed_orders", "summaries"),
    "notss.implementing_and_reviewing_decisions": ("timeline", "reassessment"),
    "notss.exchanging_information": ("closed_loop", "sbar", "recognition"),
    "notss.establishing_a_shared_understanding": ("summaries", "declaration"),
    "notss.coordinating_team_activities": ("role_allocation", "directed_orders", "workload"),
    "notss.setting_and_maintaining_standards": ("cross_check", "closed_loop", "timeline"),
    "notss.supporting_others": ("concern_response", "workload"),
    "notss.coping_with_pressure": ("fixation", "summaries"),
    # TEAM (Cooper et al. 2010)
    "team.item_01_leader_direction": ("directed_orders", "role_allocation"),
    "team.item_02_leader_global_perspective": ("summaries", "reassessment"),
    "team.item_03_communicated_effectively": ("closed_loop", "directed_orders", "sbar"),
    "team.item_04_worked_together_timely": ("timeline", "help_call", "workload"),
    "team.item_05_composure_and_control": ("summaries", "fixation"),
    "team.item_06_morale_positive": ("concern_response",),
    "team.item_07_adapted_to_changing_situations": ("fixation", "reassessment"),
    "team.item_08_monitored_and_reassessed": ("reassessment", "recognition"),
    "team.item_09_anticipated_potential_actions": ("summaries", "help_call", "cognitive_aid"),
    "team.item_10_prioritised_tasks": ("timeline", "fixation"),
    "team.item_11_followed_standards_and_guidelines": ("timeline", "cognitive_aid", "cross_check"),
    # Ottawa GRS (Kim et al. 2006)
    "ottawa.leadership": ("directed_orders", "role_allocation", "summaries", "declaration"),
    "ottawa.problem_solving": ("timeline", "fixation", "cognitive_aid"),
    "ottawa.situational_awareness": ("fixation", "reassessment", "summaries"),
    "ottawa.resource_utilization": ("help_call", "workload", "timeline"),
    "ottawa.communication": ("closed_loop", "directed_orders", "concern_response"),
    # ACRM key points (Rall & Gaba)
    "acrm.know_the_environment": (),
    "acrm.anticipate_and_plan": ("summaries", "help_call"),
    "acrm.call_for_help_early": ("help_call", "sbar"),
    "acrm.exercise_leadership_and_followership": ("directed_orders", "closed_loop", "concern_response"),
    "acrm.distribute_the_workload": ("workload", "role_allocation"),
    "acrm.mobilize_all_available_resources": ("help_call", "workload"),
    "acrm.communicate_effectively": ("closed_loop", "directed_orders", "sbar"),
    "acrm.use_all_available_information": ("recognition", "reassessment"),
    "acrm.prevent_and_manage_fixation_errors": ("fixation",),
    "acrm.cross_check": ("cross_check", "speaking_up"),
    "acrm.use_cognitive_aids": ("cognitive_aid",),
    "acrm.re_evaluate_repeatedly": ("reassessment",),
    "acrm.use_good_teamwork": ("closed_loop", "speaking_up", "concern_response"),
    "acrm.allocate_attention_wisely": ("recognition", "fixation"),
    "acrm.set_priorities_dynamically": ("timeline",),
    # crmsim core six
    "core.situation_awareness": ("recognition", "declaration", "reassessment", "fixation"),
    "core.decision_making": ("timeline", "fixation", "cognitive_aid"),
    "core.leadership": ("directed_orders", "role_allocation", "summaries", "concern_response"),
    "core.communication": ("closed_loop", "directed_orders", "sbar", "summaries"),
    "core.teamwork": ("workload", "speaking_up", "cross_check"),
    "core.task_management": ("timeline", "help_call", "cognitive_aid", "role_allocation"),
}


def metrics_for(ref: str) -> tuple[str, ...]:
    """The generic metrics that rate an element (none for an element crmsim cannot see in a log)."""
    return RULES.get(ref, ())
