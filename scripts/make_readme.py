"""Write README.md from nbs/index.ipynb (what `nbdev_readme` does, without needing Quarto installed).

Markdown cells are copied; code cells become Python blocks; cells marked `#| hide` and `#|` directive lines are left out.
"""
from pathlib import Path
from execnb.nbio import read_nb

root = Path(__file__).resolve().parent.parent

def is_hidden(cell) -> bool:
    return any(line.strip().replace(' ', '') in ('#|hide', '#|export', '#|default_exp') or line.startswith('#| default_exp')
               for line in cell.source.splitlines())

def cell_markdown(cell) -> str:
    if cell.cell_type == 'markdown': return cell.source
    code = '\n'.join(l for l in cell.source.splitlines() if not l.startswith('#|')).strip()
    return f'```python\n{code}\n```' if code else ''

def readme_text(nb_path: Path) -> str:
    parts = [cell_markdown(c) for c in read_nb(nb_path).cells if not is_hidden(c)]
    return '\n\n'.join(p for p in parts if p) + '\n'

if __name__ == '__main__':
    (root/'README.md').write_text(readme_text(root/'nbs'/'index.ipynb'))
    print('wrote', root/'README.md')
