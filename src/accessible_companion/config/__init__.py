"""Reading and checking caregiver config files (menus and settings)."""

from .explain import load_or_explain
from .loader import Config, default_config_dir, load_config
from .problems import ConfigError, Problem

__all__ = ["Config", "ConfigError", "Problem", "default_config_dir", "load_config", "load_or_explain"]
