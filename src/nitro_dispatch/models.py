"""Mirror models of the entity tables, for the Django admin (see mirrors.py).

Django imports this module while it loads models; the mirrors must exist then, so entities are
discovered here. (Django also sends post_migrate only to apps with a models module: the entity
tables are created then, see apps.create_tables.)
"""

from __future__ import annotations

from django.utils.module_loading import autodiscover_modules

from .mirrors import build, mirrors

autodiscover_modules("entities")
build()
# Each mirror importable from this module, as Django's shell and pickling expect.
globals().update({mirror.model.__name__: mirror.model for mirror in mirrors()})
