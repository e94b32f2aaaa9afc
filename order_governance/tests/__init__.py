from . import test_install
from . import test_ownership_resolution
from . import test_moves
from . import test_access
from . import test_constraints
from . import test_batch
from . import test_tour
