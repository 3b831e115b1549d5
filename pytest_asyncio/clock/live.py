"""Which loops carry a virtual clock: the registry every test's setup looks at.

Apart from the clock (``virtual.py``), so that a session that never asks for
the clock finds the registry empty without importing the clock's machinery.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

#: The clock of each loop that has one. Weak: a closed, forgotten loop goes.
#: Empty unless a clock was installed: checked before every test. Its values
#: are ``VirtualClock`` objects, typed ``Any`` here because ``virtual.py``
#: imports this module and not the reverse.
CLOCKS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = weakref.WeakKeyDictionary()
