"""Scene 8: the model results as one clean table: fixed effects with standard errors for complete
pooling, no pooling and the mixed model; the variance components, ICC and fit statistics of the
mixed model. Every cell is a FitResult value, rounded by fmt and recorded.
"""
from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, FadeIn, Line, Text, VGroup

from scenes.base import LectureScene
from scenes.vocab import (CONTENT_REGION, INTERCEPT_TERM, count_of, fit_in_region, scene_fit,
                          slope_term, title_text)
from scenes.context import lecture_input
from scenes.theme import FONT, LABEL_SIZE, SMALL_SIZE, fmt

COLUMNS = ("", "complete pooling", "no pooling", "mixed model")
CELL_SIZE = SMALL_SIZE
ROW_GAP = 0.42
COLUMN_WIDTHS = (3.0, 2.8, 2.8, 2.8)


TAU = ("\u03c4\u2080", "\u03c4\u2081", "\u03c4\u2082", "\u03c4\u2083")   # tau with subscripts 0-3


def fixef_names(fit, scenario) -> dict[str, str]:
    """Row names for the fixed effects: "intercept", and the plotted predictor by the name the
    scenario gives it ("hours studied (x)"), other terms as lme4 names them."""
    names = {name: name for name in fit.fixef}
    names[INTERCEPT_TERM] = "intercept"
    term = slope_term(fit)
    label = getattr(scenario, "x_label", "") or ""
    if term in names and label and label != term:
        names[term] = f"{label} ({term})"
    return names


def own_range(fit, term: str) -> tuple[float | None, float | None]:
    """(min, max) of the groups' own (no-pooling, separate-fit) coefficients of `term`; groups
    whose own fit is not estimable are left out; (None, None) when none is."""
    values = [coefs.get(term) for coefs in (fit.no_pooling.get("separate") or {}).values() if coefs]
    values = [v for v in values if v is not None and v == v]
    return (min(values), max(values)) if values else (None, None)


def sd_row_name(fit, term: str, k: int) -> str:
    """'SD of intercepts (τ₀)', 'SD of slopes (τ₁)': the symbols the other scenes use."""
    tau = TAU[k] if k < len(TAU) else f"\u03c4{k}"
    if term == INTERCEPT_TERM:
        return f"SD of intercepts ({tau})"
    slopes = [t for t in fit.re_terms if t != INTERCEPT_TERM]
    return f"SD of slopes ({tau})" if len(slopes) == 1 else f"SD of {term} slopes ({tau})"


class ModelResults(LectureScene):
    """The coefficient summary next to the complete- and no-pooling estimates."""

    description = "Results table: fixed effects with SEs, variance components, ICC, logLik/AIC/BIC."
    reads_input = True
    plots_against_x = False   # a table of every coefficient: no held-predictor note
    slides = (
        ("fixed", "The fixed effects side by side: complete pooling ignores the groups, no pooling "
                  "gives each group its own intercept, the mixed model estimates the average line "
                  "with honest standard errors."),
        ("variance", "The mixed model also estimates how much the groups differ, tau0, how much "
                     "observations scatter, sigma, and their ratio, the ICC."),
        ("fit", "Log-likelihood, AIC and BIC compare models fitted to the same data; lower AIC "
                "and BIC are better."),
    )
    title = "Model results"

    def construct(self):
        theme, rec = self.theme, self.record_number
        lecture = lecture_input()
        fit = scene_fit(lecture)
        self.add(title_text(self.title, theme))
        header = self._row(COLUMNS, theme.muted)
        rule = Line(LEFT, RIGHT, color=theme.muted, stroke_width=2)
        table = VGroup(header)

        # Section: fixed effects
        # groups whose own intercept cannot be estimated (null: one row per group, all outcomes
        # alike) are left out of the range, and the note below says how many
        intercepts = [v["(Intercept)"] for v in fit.no_pooling["common_slope"].values()
                      if v["(Intercept)"] is not None]
        n_out = fit.n_groups - len(intercepts)
        intercepts = intercepts or [None]
        names = fixef_names(fit, lecture.scenario)
        fixed_rows = []
        for name in fit.fixef:
            complete = fit.complete_pooling["fixef"][name]
            complete_se = fit.complete_pooling["fixef_se"][name]
            rec(f"complete_{name}", complete)
            rec(f"mixed_{name}", fit.fixef[name])
            rec(f"mixed_se_{name}", fit.fixef_se[name])
            if name == "(Intercept)":
                low, high = (None, None) if intercepts == [None] else (min(intercepts), max(intercepts))
                rec("no_pool_intercept_min", low)
                rec("no_pool_intercept_max", high)
                no_pool = "NA" if low is None else f"{fmt(low)} to {fmt(high)}"
            else:
                value = next(iter(fit.no_pooling["common_slope"].values()))[name]
                rec(f"no_pool_{name}", value)
                no_pool = fmt(value)
                if name in fit.re_terms:        # a random slope: each group's own slope varies
                    low, high = own_range(fit, name)
                    rec(f"no_pool_{name}_min", low)
                    rec(f"no_pool_{name}_max", high)
                    no_pool = "NA" if low is None else f"{fmt(low)} to {fmt(high)}"
            fixed_rows.append(self._row((names[name], f"{fmt(complete)} ({fmt(complete_se)})", no_pool,
                                         f"{fmt(fit.fixef[name])} ({fmt(fit.fixef_se[name])})"),
                                        theme.foreground, first_color=theme.grand_mean))
        table.add(*fixed_rows)

        # Section: variance components of the mixed model
        variance_rows = []
        for k, term in enumerate(fit.re_terms):
            rec(f"sd_{term}", fit.re_sd[term])
            variance_rows.append(self._row((sd_row_name(fit, term, k), "", "", fmt(fit.re_sd[term])),
                                           theme.foreground, first_color=theme.between))
        if len(fit.re_terms) == 2:
            rec("corr", fit.re_corr[0][1])
            variance_rows.append(self._row(("correlation (\u03c1)", "", "", fmt(fit.re_corr[0][1])),
                                           theme.foreground, first_color=theme.between))
        if fit.sigma is not None:
            rec("sigma", fit.sigma)
            # a Gamma fit's sigma (glmmTMB's) is the coefficient of variation 1/sqrt(shape), not an SD
            sigma_name = "residual CV (\u03c3 = 1/\u221a\u03bd)" if fit.family == "gamma" else "residual SD (\u03c3)"
            variance_rows.append(self._row((sigma_name, "", "", fmt(fit.sigma)),
                                           theme.foreground, first_color=theme.within))
        if fit.icc is not None:
            rec("icc", fit.icc)
            # with random slopes the ICC depends on x: the fit's is the one at x = 0
            slopes = [t for t in fit.re_terms if t != INTERCEPT_TERM]
            icc_name = f"ICC (at {', '.join(slopes)} = 0)" if slopes else "ICC"
            variance_rows.append(self._row((icc_name, "", "", fmt(fit.icc)), theme.foreground))
        table.add(*variance_rows)

        # Section: fit statistics
        for key in ("loglik", "aic", "bic"):
            rec(key, getattr(fit, key))
        fit_rows = [self._row((label, "", "", fmt(value, 4)), theme.foreground)
                    for label, value in (("log-likelihood" + (" (REML)" if fit.method == "REML" else ""), fit.loglik),
                                         ("AIC", fit.aic), ("BIC", fit.bic))]
        table.add(*fit_rows)
        table.arrange(DOWN, aligned_edge=LEFT, buff=ROW_GAP - 0.2)
        rule.put_start_and_end_on(header.get_corner(DOWN + LEFT) + DOWN * 0.1,
                                  header.get_corner(DOWN + LEFT) + DOWN * 0.1 + RIGHT * sum(COLUMN_WIDTHS))
        word = lecture.scenario.group_label or "group"
        unshown = (f"\nno pooling leaves out {count_of(n_out, word)} whose own "
                   "estimate is infinite (all outcomes alike)" if 0 < n_out < fit.n_groups else "")
        if fit.singular:    # a variance of 0 or a correlation of +-1 in the table: lme4 warns, so do we
            unshown += "\nboundary (singular) fit: a variance is estimated as 0 or a correlation as ±1"
        note = Text(f"{fit.method} fit, {fit.n_obs} observations in {count_of(fit.n_groups, word)}; "
                    f"estimates (standard errors){unshown}", font=FONT, font_size=LABEL_SIZE,
                    color=theme.muted)
        whole = VGroup(table, rule, note)
        note.next_to(table, DOWN, buff=0.35).align_to(table, LEFT)
        fit_in_region(whole, CONTENT_REGION.inset(0.1, 0.15), "center", "top")

        self.play(FadeIn(header), FadeIn(rule), run_time=0.6)
        self.play(*[FadeIn(row) for row in fixed_rows], FadeIn(note), run_time=1.0)
        self.slide_point("fixed")
        self.play(*[FadeIn(row) for row in variance_rows], run_time=1.0)
        self.slide_point("variance")
        self.play(*[FadeIn(row) for row in fit_rows], run_time=1.0)
        self.slide_point("fit")

    def _row(self, cells, color, first_color=None) -> VGroup:
        """One table row: cells left-aligned in fixed-width columns."""
        # An invisible rule spanning all columns keeps every row's left edge at column 0.
        row = VGroup(Line([0, 0, 0], [sum(COLUMN_WIDTHS), 0, 0]).set_stroke(opacity=0))
        x = 0.0
        for k, (cell, width) in enumerate(zip(cells, COLUMN_WIDTHS)):
            text = Text(cell or "-", font=FONT, font_size=CELL_SIZE,
                        color=first_color if k == 0 and first_color else color)
            if text.width > width - 0.15:
                text.scale_to_fit_width(width - 0.15)
            text.move_to([x + text.width / 2, 0, 0])
            if not cell:
                text.set_opacity(0)
            row.add(text)
            x += width
        return row
