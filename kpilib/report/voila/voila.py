# Voilà settings of `kpi-workshop present` (a traitlets config file: Voilà reads it, kpilib does not import it).
#
# A kernel holds a day page's widgets (~370 MB each). A page that is closed or reloaded must give its
# kernel back; two things see to that.

# 1. Voilà shuts a page's kernel down when the page goes away (a beacon on `beforeunload`); the beacon
#    carries the page's `_xsrf` cookie, and is refused without one. Voilà only sets that cookie on pages
#    made from its own templates (the tree), not on a notebook opened by its address, as the day links
#    and `present` open them. Asking the request for its token sets the cookie on the page's response.
def _set_xsrf_cookie(request_handler, notebook, cwd):
    request_handler.xsrf_token  # noqa: B018 - the property sets the cookie
    return None


c.VoilaConfiguration.prelaunch_hook = _set_xsrf_cookie  # noqa: F821 - `c` is the config traitlets provides

# 2. A kernel whose page vanished without a word (the browser crashed, the laptop's lid shut on another
#    machine's browser) is shut down once nobody has been connected to it for a while and it is idle.
#    A page that is open is connected, and is never shut down, however long the room discusses.
c.MappingKernelManager.cull_idle_timeout = 300  # noqa: F821 - seconds without activity
c.MappingKernelManager.cull_interval = 60  # noqa: F821 - seconds between two checks
c.MappingKernelManager.cull_connected = False  # noqa: F821
