# %% [markdown]
# # Glossary · 용어집
#
# Every term the course introduces, in English and Korean, with a one-line meaning and the lesson
# that introduces it. Each lesson ends with its own terms (`glossary.terms("05")`); this page
# searches all of them at once.
#
# Type part of a word in English or 한국어 (`subnet`, `서브넷`, `게이트웨이`) and pick a lesson to narrow
# the list. In a static view of this page (on GitHub, say) the search box does not run, so the full
# table follows below.

# %%
import helpers

helpers.setup()
from helpers import glossary

# %% [markdown]
# Search the glossary:

# %%
glossary.browser()

# %% [markdown]
# The same searches work without the widget: `glossary.search("게이트웨이")` looks through every
# lesson, `glossary.table("09")` lists one lesson with its lesson column, `glossary.terms("09")` is
# what lesson 09 shows at its end. For example, the capstone's terms:

# %%
glossary.table("14")

# %% [markdown]
# ## Every term
# All lessons, in lesson order. (This cell shows whatever the glossary files hold when the page is
# built, so it is the one cell whose output is not compared word for word by the tests.)

# %%
# NBVAL_IGNORE_OUTPUT
everything = glossary.table()
assert len(everything) >= 8 * len(glossary.lessons()), "every lesson lists at least 8 terms"
everything

# %% [markdown]
# ## For authors: adding a term
# A lesson's terms live in `helpers/data/glossary/NN.tsv`, one term per line, three columns
# separated by tabs: the English term, the Korean term, and the meaning in one line. Here is the
# first line of the capstone's file:

# %%
print((glossary.DATA / "14.tsv").read_text(encoding="utf-8").splitlines()[0].replace("\t", "  ⇥  "))

# %% [markdown]
# Write the term with its Korean in parentheses where the lesson first uses it, like
# "a **subnet** (서브넷)". `glossary.problems("NN")` lists what is wrong with a lesson's file (columns,
# duplicates, a Korean column without Hangul), and `print(glossary.first_use_report("NN"))` lists
# the terms whose first use still lacks the Korean; `tests/test_glossary.py` runs both.
#
# **Back to the labs:** [labs/README.md](../README.md) · **Start of the course:**
# [00 · Start here](../../notebooks/00-start-here.ipynb)
