"""Charts drawn by the app as SVG (nothing fetched from elsewhere): one bar per category."""

from markupsafe import Markup, escape

BAR, GAP, LABEL_WIDTH, WIDTH = 22, 6, 180, 640


def bar_chart(title: str, bars: list[tuple[str, int]]) -> Markup:
    """Horizontal bars with their counts, scaled to the largest."""
    top = max((value for _label, value in bars), default=0) or 1
    height = 30 + len(bars) * (BAR + GAP)
    span = WIDTH - LABEL_WIDTH - 60
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="dossier-chart" role="img" width="{WIDTH}" '
             f'height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12">',
             f'<title>{escape(title)}</title>',
             f'<text x="0" y="16" font-weight="bold">{escape(title)}</text>']
    for index, (label, value) in enumerate(bars):
        y = 30 + index * (BAR + GAP)
        width = round(span * value / top)
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width}" height="{BAR}" fill="#337ab7"/>')
        parts.append(f'<text x="{LABEL_WIDTH + width + 4}" y="{y + 15}">{value}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
