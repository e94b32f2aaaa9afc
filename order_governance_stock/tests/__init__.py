from . import test_stock_events
from . import test_tour
