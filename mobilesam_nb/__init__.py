__version__ = "0.0.1"

# The top-level names load their (PyTorch) modules on first use (PEP 562), so that torch-free modules such as
# `mobilesam_nb.onnx` (inference on ONNX Runtime) import without PyTorch.
_LAZY = {'sam_model_registry': 'build', 'build_sam': 'build', 'SamPredictor': 'predictor',
         'SamAutomaticMaskGenerator': 'amg'}
__all__ = list(_LAZY)

def __getattr__(name):
    if name not in _LAZY: raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
    import importlib
    value = getattr(importlib.import_module(f'.{_LAZY[name]}', __name__), name)
    globals()[name] = value
    return value

def __dir__(): return sorted([*globals(), *_LAZY])
