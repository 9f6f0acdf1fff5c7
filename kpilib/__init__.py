"""kpilib: customer-service KPIs measured along the customer chain."""

from kpilib.data.backend import Store, connect
from kpilib.data.store import open_store
from kpilib.data.calendar import WorkingCalendar
from kpilib.days.cards import (KpiCard, build_card, build_cards, cards_html, cards_overview, plot_dashboard,
                          review_schedule, write_workbook)
from kpilib.kpis.caveats import data_caveats, data_end
from kpilib.kpis.catalogue import Catalogue, KpiEntry, compute_kpi, load_catalogue
from kpilib.chains import stays_within_norm
from kpilib.workshop.decisions import DECISION_KEYS, Decision, DecisionStore
from kpilib.days.current import internal_norms, team_kpis
from kpilib.days.values import driver_gaps, norms_compared, satisfaction_drivers, survey_comments
from kpilib.kpis.erlang import ErlangAResult, ErlangCResult, agents_for_service_level, erlang_a, erlang_c
from kpilib.importing import CheckReport, ImportReport, check_workshop, import_workshop
from kpilib.exceptions import DataError, KpiError, KpiWarning, ParameterError, WorkshopError
from kpilib.kpis.cases import contacts_per_case, escalation_rate, handoffs_per_case
from kpilib.kpis.queue import abandonment_rate, average_handle_time, average_speed_of_answer, service_level
from kpilib.kpis.resolution import (agent_resolved_rate, first_contact_resolution, repeat_contact_rate,
                                    transfer_rate)
from kpilib.kpis.satisfaction import ces, complaints_resolved_to_satisfaction, csat, nps
from kpilib.report.plots import (plot_calendar, plot_definitions, plot_satisfaction_drivers, plot_spread,
                          plot_target_history, plot_team_kpis, plot_variants, plot_working_days,
                          service_level_by_definition)
from kpilib.report.narration import collapsible, day_summary, narrate, show_table
from kpilib.report.sections import Section, section, unmeasured
from kpilib.kpis.kpiset import kpi_set, start_team
from kpilib.kpis.reconcile import reconcile
from kpilib.kpis.timeliness import callback_timeliness, time_to_first_contact, time_to_resolution
from kpilib.workshop.schedule import ScheduleDay
from kpilib.days.scoring import (balance_check, kpi_set_value, score_candidates, select_set,
                            workshop_candidates)
from kpilib.days.staffing import estimate_patience, plot_staffing, staffing_by_hour
from kpilib.days.levers import callback_options, callback_replay, escalation_options, escalation_replay
from kpilib.workshop.folder import Workshop, new_workshop, open_workshop
from kpilib.workshop.wording import decision_text, kpi_title as kpi_name, norm_name, source_words
from kpilib._i18n import (current_language, format_date, format_number, format_percent, format_points, set_language, tr,
                          trn)
from kpilib._codes import reader_name

__all__ = [
    "Catalogue",
    "CheckReport",
    "DECISION_KEYS",
    "DataError",
    "Decision",
    "DecisionStore",
    "ErlangAResult",
    "ErlangCResult",
    "ImportReport",
    "KpiCard",
    "KpiEntry",
    "KpiError",
    "KpiWarning",
    "ParameterError",
    "ScheduleDay",
    "Section",
    "Store",
    "WorkingCalendar",
    "Workshop",
    "WorkshopError",
    "abandonment_rate",
    "agent_resolved_rate",
    "agents_for_service_level",
    "average_handle_time",
    "average_speed_of_answer",
    "balance_check",
    "build_card",
    "build_cards",
    "callback_options",
    "callback_replay",
    "callback_timeliness",
    "cards_html",
    "cards_overview",
    "ces",
    "check_workshop",
    "collapsible",
    "complaints_resolved_to_satisfaction",
    "compute_kpi",
    "connect",
    "contacts_per_case",
    "csat",
    "current_language",
    "data_caveats",
    "data_end",
    "day_summary",
    "decision_text",
    "driver_gaps",
    "erlang_a",
    "erlang_c",
    "escalation_options",
    "escalation_rate",
    "escalation_replay",
    "estimate_patience",
    "first_contact_resolution",
    "format_date",
    "format_number",
    "format_percent",
    "format_points",
    "handoffs_per_case",
    "import_workshop",
    "internal_norms",
    "kpi_name",
    "kpi_set",
    "kpi_set_value",
    "load_catalogue",
    "narrate",
    "new_workshop",
    "norm_name",
    "norms_compared",
    "nps",
    "open_store",
    "open_workshop",
    "plot_calendar",
    "plot_dashboard",
    "plot_definitions",
    "plot_satisfaction_drivers",
    "plot_spread",
    "plot_staffing",
    "plot_target_history",
    "plot_team_kpis",
    "plot_variants",
    "plot_working_days",
    "reader_name",
    "reconcile",
    "repeat_contact_rate",
    "review_schedule",
    "satisfaction_drivers",
    "score_candidates",
    "section",
    "select_set",
    "service_level",
    "service_level_by_definition",
    "set_language",
    "show_table",
    "source_words",
    "staffing_by_hour",
    "start_team",
    "stays_within_norm",
    "survey_comments",
    "team_kpis",
    "time_to_first_contact",
    "time_to_resolution",
    "tr",
    "trn",
    "transfer_rate",
    "unmeasured",
    "workshop_candidates",
    "write_workbook",
]

__version__ = "0.1.0"


def _plain_errors_in_notebooks() -> None:
    """In a notebook, a KpiError (a mistake in the data, the settings or a choice) shows as its message.

    The group in the room and the reader of a page see what is wrong and how to fix it, in a red
    box, not a Python traceback; the cell still fails, so a batch run stops and reports the day.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return

    def show(_shell, etype, value, _tb, tb_offset=None):
        import html

        from IPython.display import HTML, display

        display(HTML(f'<div class="kpi-error" role="alert" style="border-left:4px solid #b00020;'
                     f'padding:.5em .8em;background:#fdecee;color:#5f0010">{html.escape(str(value))}</div>'))
        return []  # the box says it all; the cell still reports the error

    shell.set_custom_exc((KpiError,), show)


_plain_errors_in_notebooks()
