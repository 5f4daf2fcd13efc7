__version__ = "0.0.1"

from .build import sam_model_registry, build_sam
from .predictor import SamPredictor
from .amg import SamAutomaticMaskGenerator
