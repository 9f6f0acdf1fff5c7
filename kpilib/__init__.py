"""kpilib: customer-service KPIs measured along the customer chain."""

from kpilib.backend import Store, connect, open_store
from kpilib.calendar import WorkingCalendar
from kpilib.drivers import driver_gaps, norms_compared, satisfaction_drivers
from kpilib.erlang import ErlangAResult, ErlangCResult, agents_for_service_level, erlang_a, erlang_c
from kpilib.importing import CheckReport, ImportReport, check_workshop, import_workshop
from kpilib.exceptions import DataError, KpiError, KpiWarning, ParameterError, WorkshopError
from kpilib.kpis.cases import contacts_per_case, escalation_rate, handoffs_per_case
from kpilib.kpis.queue import abandonment_rate, average_handle_time, average_speed_of_answer, service_level
from kpilib.kpis.resolution import first_contact_resolution, repeat_contact_rate, transfer_rate
from kpilib.kpis.satisfaction import ces, complaints_resolved_to_satisfaction, csat, nps
from kpilib.plots import plot_definitions, plot_satisfaction_drivers, service_level_by_definition
from kpilib.report import day_summary, narrate, show_table
from kpilib.kpiset import kpi_set, start_team
from kpilib.kpis.timeliness import callback_timeliness, time_to_first_contact, time_to_resolution

__all__ = [
    "CheckReport",
    "DataError",
    "ErlangAResult",
    "ErlangCResult",
    "ImportReport",
    "KpiError",
    "KpiWarning",
    "ParameterError",
    "Store",
    "WorkingCalendar",
    "WorkshopError",
    "abandonment_rate",
    "agents_for_service_level",
    "average_handle_time",
    "average_speed_of_answer",
    "callback_timeliness",
    "ces",
    "check_workshop",
    "complaints_resolved_to_satisfaction",
    "connect",
    "contacts_per_case",
    "csat",
    "day_summary",
    "driver_gaps",
    "erlang_a",
    "erlang_c",
    "escalation_rate",
    "first_contact_resolution",
    "handoffs_per_case",
    "import_workshop",
    "kpi_set",
    "narrate",
    "norms_compared",
    "nps",
    "open_store",
    "plot_definitions",
    "plot_satisfaction_drivers",
    "repeat_contact_rate",
    "satisfaction_drivers",
    "service_level",
    "service_level_by_definition",
    "show_table",
    "start_team",
    "time_to_first_contact",
    "time_to_resolution",
    "transfer_rate",
]

__version__ = "0.1.0"
