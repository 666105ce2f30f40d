"""The lecture's visual vocabulary: every scene builds from these, so one statistical object keeps
one look everywhere (VISUAL-GRAMMAR.md). Builders take the theme explicitly and never compute
statistics: they draw numbers handed to them (from FitResult, the simulation's truth or the data).

  layout  regions of the 16:9 frame (title strip, plot area, side panel) and fitting into them
  text    titles, body/wrapped text, code, MathTex, formulas holding a user label
  axes    nice ticks, data-fitting limits, PlotAxes
  marks   data clouds, fitted/group lines, estimate marks, shrinkage arrows, end labels
  panels  legends, live readouts, the side panel, mini bars, density curves
  crowd   many groups: thinner/lighter ink, which groups get labels, the "k of J" note
  words   plurals of group words ("classes", "children")
  reading the scene's fit; the fit look-ups themselves live in estimator.plotted
"""

from estimator.plotted import INTERCEPT_TERM, POOLING_KINDS, slope_term, coef_pairs, focus_group
from scenes.vocab.layout import (FRAME_WIDTH, FRAME_HEIGHT, Region, SAFE_REGION, TITLE_HEIGHT,
                                 TITLE_REGION, CONTENT_REGION, PANEL_WIDTH, PANEL_GAP, PLOT_REGION,
                                 PANEL_REGION, fit_in_region)
from scenes.vocab.text import (title_text, body_text, wrapped_text, code_text, wrapped_code, math_tex,
                               LABEL_SLOT, math_with_label, term_tex, light_up, pulse)
from scenes.vocab.axes import (nice_ticks, x_axis_limits, padded_range, clamp_range, OUTCOMES,
                               fit_label, LowerLeftAxes, PlotAxes, make_axes)
from scenes.vocab.crowd import (crowd_scale, thin_crowd, highlight_groups, thin_labels, labels_note,
                                label_capacity)
from scenes.vocab.words import plural, count_of
from scenes.vocab.marks import (group_mark, GroupCloud, data_cloud, fitted_line, grand_mean_line,
                                group_lines, hollow_mark, filled_mark, truth_mark,
                                fixed_effect_mark, shrink_arrow, spread_positions, end_labels)
from scenes.vocab.panels import (LEGEND_KINDS, legend_entry, legend, group_key, Readout, side_panel, mini_bars,
                                 normal_density_curve)
from scenes.vocab.reading import scene_fit

__all__ = [
    'INTERCEPT_TERM', 'POOLING_KINDS', 'slope_term', 'coef_pairs', 'focus_group', 'FRAME_WIDTH',
    'FRAME_HEIGHT', 'Region', 'SAFE_REGION', 'TITLE_HEIGHT', 'TITLE_REGION', 'CONTENT_REGION',
    'PANEL_WIDTH', 'PANEL_GAP', 'PLOT_REGION', 'PANEL_REGION', 'fit_in_region', 'title_text',
    'body_text', 'wrapped_text', 'code_text', 'wrapped_code', 'math_tex', 'LABEL_SLOT', 'math_with_label',
    'term_tex', 'light_up', 'pulse', 'nice_ticks', 'x_axis_limits', 'padded_range',
    'LowerLeftAxes', 'PlotAxes', 'make_axes', 'group_mark', 'GroupCloud', 'data_cloud',
    'fitted_line', 'grand_mean_line', 'group_lines', 'hollow_mark', 'filled_mark', 'truth_mark',
    'fixed_effect_mark', 'shrink_arrow', 'spread_positions', 'end_labels', 'LEGEND_KINDS',
    'legend_entry', 'legend', 'Readout', 'side_panel', 'mini_bars', 'normal_density_curve',
    'scene_fit', 'clamp_range', 'OUTCOMES', 'fit_label', 'crowd_scale', 'thin_crowd', 'highlight_groups',
    'thin_labels', 'labels_note', 'label_capacity', 'plural', 'count_of', 'group_key'
]
