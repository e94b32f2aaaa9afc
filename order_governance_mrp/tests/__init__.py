from . import test_mrp_events
