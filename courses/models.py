import hashlib
import json
import re
import uuid
from decimal import Decimal

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import BooleanField, Case, ExpressionWrapper, F, Q, Value, When
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from courses import changes
from devopslearn.lib import translated
from devopslearn.lib.fold import fold
from devopslearn.lib.markdown import plain_text, render_markdown


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ImportedContent(models.Model):
    """Content that may come from fixtures/content/ and may also be edited in the admin.

    ``import_hash`` is the fingerprint of the fields as the importer last wrote them. When the
    row's current fingerprint differs, somebody edited it in the admin since, and the importer
    leaves it alone unless told to overwrite.
    """

    IMPORT_FIELDS: tuple[str, ...] = ()
    # Fields added to IMPORT_FIELDS after rows were first imported, with their defaults: a field at its
    # default is left out of the fingerprint, so that a row imported before the field existed still
    # matches the hash it was imported with (rather than looking edited in the admin).
    LATER_IMPORT_FIELDS: dict[str, object] = {}

    import_hash = models.CharField(max_length=64, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        changes.remember(instance)  # a later save records which fields it changed (courses.changes)
        return instance

    def import_values(self) -> dict:
        """The imported fields' values, whatever the active language: a translated field by its
        English column under its own name, and each translation (``title_vi``) when it is given, so
        that a row imported before it had translations still matches its hash."""
        translated_fields = translated.fields_of(type(self))
        values = {}
        for name in self.IMPORT_FIELDS:
            names = [name]
            if name in translated_fields:
                names = [translated.localized(name, translated.DEFAULT)]
                names += [translated.localized(name, language) for language in translated.others()]
            for number, column in enumerate(names):
                value = self._meta.get_field(column).to_python(getattr(self, column))
                if value is None and column != name:  # a language column is nullable: empty is ""
                    value = ""
                if isinstance(value, str):
                    # A textarea sends \r\n and forms strip: neither is an edit.
                    value = value.replace("\r\n", "\n").strip()
                elif isinstance(value, Decimal):
                    value = format(value.normalize(), "f")
                if number and not value:  # a translation not given
                    continue
                if name in self.LATER_IMPORT_FIELDS and value == self.LATER_IMPORT_FIELDS[name]:
                    continue
                values[name if not number else column] = value
        return values

    def each_language(self, name: str) -> list[tuple[str, str]]:
        """(language, source text) of field ``name`` for every language it is written in: English
        always, a translation when given (its rendering stays empty otherwise, so the English shows)."""
        found = []
        for language in translated.languages():
            text = getattr(self, translated.localized(name, language)) or ""
            if text or language == translated.DEFAULT:
                found.append((language, text))
        return found

    def rendered_in_each_language(self, render: dict) -> dict:
        """{rendering column: value} for every language: ``render`` maps a rendering field to
        (its source field, a function of the source text); a language without the source gets ""
        (which reads as the English rendering)."""
        values = {}
        for target, (source, function) in render.items():
            given = dict(self.each_language(source))
            for language in translated.languages():
                column = translated.localized(target, language)
                values[column] = function(given[language]) if language in given else ""
        return values

    def fingerprint(self, overrides: dict | None = None) -> str:
        """The hash of the imported fields; ``overrides`` stands in for related rows not saved yet."""
        payload = json.dumps({**self.import_values(), **(overrides or {})}, sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()

    @property
    def edited_since_import(self) -> bool:
        return self.pk is not None and self.import_hash != self.fingerprint()

    def rendered_values(self) -> dict:
        """The stored renderings of the source fields ({field: value}), computed afresh."""
        return {}

    def refresh_rendering(self) -> bool:
        """Store the renderings again if the renderer changed since they were stored; True if it did.

        The source fields (and so the import fingerprint and any admin edit) are left as they are.
        """
        stale = {name: value for name, value in self.rendered_values().items() if getattr(self, name) != value}
        if stale and self.pk is not None:
            type(self).objects.filter(pk=self.pk).update(**stale)
            for name, value in stale.items():
                setattr(self, name, value)
        return bool(stale)


class ContentVersion(models.Model):
    """A marker that changes with every content edit. Caches of the curriculum key on it, so every
    worker sees an edit at once for the price of one indexed read. A random value, not a counter:
    a rolled-back edit can never hand a later edit's number to stale cached data."""

    marker = models.CharField(max_length=32, default="initial")

    class Meta:
        verbose_name = _("content version")

    def __str__(self) -> str:
        return self.marker

    @classmethod
    def current(cls) -> str:
        # Read on every page: a plain statement, without the ORM's query building.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT marker FROM {cls._meta.db_table} WHERE id = 1")  # noqa: S608 - our own table name
            row = cursor.fetchone()
        return row[0] if row else "initial"

    @classmethod
    def bump(cls, **kwargs) -> None:
        """Connected to the save and delete signals of content models (any app's)."""
        if kwargs.get("raw"):
            return
        marker = uuid.uuid4().hex
        if not cls.objects.filter(pk=1).update(marker=marker):
            cls.objects.update_or_create(pk=1, defaults={"marker": marker})


class VersionedQuerySet(models.QuerySet):
    """Bulk writes skip the save signals; these bump the content version and record the content
    change (courses.changes) themselves, a bulk write's rows as one batch: announced once (what follows
    from them, regrading and progress, runs once for all of them, not once per row)."""

    def _post_init(self):
        """django-modeltranslation's queryset (mixed in after this class) copies Meta.ordering into an
        explicit ORDER BY, so that it can rename a translated field in it. An explicit ordering also
        joins the GROUP BY of every values().annotate() (Django leaves Meta.ordering out of those):
        "lessons per module" then counted 1 per lesson. No Meta.ordering here names a translated
        field, so the copy is taken back and Django orders by Meta.ordering itself, as without it."""
        explicit = bool(self.query.order_by)
        super()._post_init()
        if self.model is not None and not explicit and list(self.query.order_by) == list(self.model._meta.ordering):
            self.query.order_by = ()

    def update(self, **kwargs):
        attnames = frozenset(self.model._meta.get_field(name).attname for name in kwargs)
        content = bool(attnames - changes.BOOKKEEPING)
        where = changes.relation_fields(self.model)
        before = list(self.values(*where, *(attnames - set(where)))) if content else []
        rows = super().update(**kwargs)
        if rows and content:
            ContentVersion.bump()
            after = {self.model._meta.get_field(name).attname: value for name, value in kwargs.items()}
            with changes.batch():  # the rows' changes are announced once, together
                for values in before:
                    changed = frozenset(name for name in attnames if values.get(name) != after[name])
                    change = changes.Change(self.model, values["id"], changes.UPDATED, changed, values, after)
                    changes.record(change)
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        ContentVersion.bump()
        with changes.batch():  # the rows' changes are announced once, together
            for obj in created:
                after = changes.values_of(obj)
                changes.remember(obj, after)
                changes.record(changes.Change(self.model, obj.pk, changes.CREATED, frozenset(after), {}, after))
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        rows = super().bulk_update(objs, fields, *args, **kwargs)
        ContentVersion.bump()
        attnames = frozenset(self.model._meta.get_field(name).attname for name in fields)
        with changes.batch():  # the rows' changes are announced once, together
            for obj in objs:
                loaded = getattr(obj, "_content_loaded", None) or {}
                after = changes.values_of(obj)
                changed = frozenset(name for name in attnames if name not in loaded or loaded[name] != after[name])
                changes.remember(obj, after)
                changes.record(changes.Change(self.model, obj.pk, changes.UPDATED, changed, loaded, after))
        return rows


class LearningPath(ImportedContent):
    IMPORT_FIELDS = ("title", "summary")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)

    objects = VersionedQuerySet.as_manager()

    class Meta:
        verbose_name = _("learning path")
        verbose_name_plural = _("learning paths")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:path", args=[self.slug])


class ModuleQuerySet(VersionedQuerySet):
    def published(self):
        return self.filter(published=True)


class Module(ImportedContent):
    IMPORT_FIELDS = ("title", "summary", "order", "estimated_minutes", "objectives", "published")

    path = models.ForeignKey(LearningPath, on_delete=models.CASCADE, related_name="modules")
    slug = models.SlugField(_("slug"), max_length=120)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    estimated_minutes = models.PositiveIntegerField(_("estimated minutes"), default=60)
    objectives = models.TextField(_("learning objectives"), blank=True, help_text=_("One objective a line."))
    prerequisites = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="unlocks",
        verbose_name=_("prerequisites"),
        help_text=_("Modules of the same path a learner completes first."),
    )
    published = models.BooleanField(_("published"), default=False)

    objects = ModuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["path", "slug"], name="courses_module_unique_slug_in_path")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("courses:module", args=[self.path.slug, self.slug])

    def import_values(self) -> dict:
        values = super().import_values()
        values["prerequisites"] = sorted(self.prerequisites.values_list("slug", flat=True)) if self.pk else []
        return values

    @property
    def objective_list(self) -> list[str]:
        return lines(self.objectives)

    def check_prerequisites(self, prerequisites) -> None:
        """Raise ValidationError, in plain words, for a prerequisite outside the path or a cycle."""
        prerequisites = list(prerequisites)
        for other in prerequisites:
            if other.path_id != self.path_id:
                raise ValidationError(_("“%(module)s” belongs to another learning path.") % {"module": other})
            if other.pk == self.pk:
                raise ValidationError(_("A module cannot be its own prerequisite."))
        if self.pk is None:
            return
        edges = {
            module_id: set(prereq_ids)
            for module_id, prereq_ids in prerequisite_map(Module.objects.filter(path_id=self.path_id)).items()
        }
        edges[self.pk] = {other.pk for other in prerequisites}
        cycle = find_cycle(edges)
        if cycle:
            names = dict(Module.objects.filter(pk__in=cycle).values_list("pk", "title"))
            raise ValidationError(
                _("These prerequisites would make a cycle: %(cycle)s.")
                % {"cycle": " → ".join(names[pk] for pk in cycle)}
            )


def prerequisite_map(modules) -> dict[int, list[int]]:
    """{module id: [prerequisite ids]} for the given modules, in one query."""
    through = Module.prerequisites.through
    edges: dict[int, list[int]] = {module.pk if isinstance(module, Module) else module: [] for module in modules}
    rows = through.objects.filter(from_module_id__in=list(edges)).values_list("from_module_id", "to_module_id")
    for module_id, prereq_id in rows:
        edges[module_id].append(prereq_id)
    return edges


def find_cycle(edges: dict) -> list | None:
    """A list of nodes forming a cycle in {node: {prerequisites}}, or None. Iterative DFS."""
    state: dict = {}
    for start in edges:
        if start in state:
            continue
        stack = [(start, iter(edges.get(start, ())))]
        trail = [start]
        state[start] = "open"
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                trail.pop()
                state[node] = "done"
            elif state.get(child) == "open":
                return trail[trail.index(child) :] + [child]
            elif child not in state:
                state[child] = "open"
                trail.append(child)
                stack.append((child, iter(edges.get(child, ()))))
    return None


def search_vectors() -> dict:
    """{stored column: the vector it holds}: what a lesson is searched by on PostgreSQL, computed by the
    database from the lesson's columns (LessonQuerySet.store_search_vectors). Each language's folded
    words (``search_vector_vi`` from ``search_text_vi``, the ``simple`` configuration: no stemming, so
    a folded Vietnamese word matches as it is), and the English text stemmed, the title weighted above
    the body (``search_english``, which also ranks the results)."""
    vectors = {
        translated.localized("search_vector", language): SearchVector(
            translated.localized("search_text", language), config="simple"
        )
        for language in translated.languages()
    }
    english = translated.DEFAULT
    vectors["search_english"] = SearchVector(
        translated.localized("title", english), weight="A", config="english"
    ) + SearchVector(translated.localized("body_text", english), weight="B", config="english")
    return vectors


# The texts the search vectors are computed from, by name or by a language's column: a write of one
# of them computes the vectors again.
SEARCH_SOURCES = frozenset(
    column
    for name in ("title", "body_text", "search_text")
    for column in (name, *(translated.localized(name, language) for language in translated.languages()))
)


RANKED_TERMS = 10  # the first words of a query count for its ranking
# The search's one order, on both databases: more of the query's words in the title first (a word of
# the title that starts with the term: "ECR" is a title word of "Storing images in Amazon ECR", not of
# "...: secrets, image scanning..."), then more of its words anywhere, then the page's language (and
# on PostgreSQL the stemmed rank), then the path's order.
RELEVANCE_ORDER = ("-title_words", "-words", "-in_language", "module__order", "order")


def title_word(term: str) -> str:
    """A regular expression of the folded search column (its title, a line break, then the text)
    whose title has a word starting with ``term``: the same on SQLite (Python's re) and PostgreSQL."""
    return "^([^\n]*[^a-z0-9\n])?" + re.escape(term)


def word(term: str) -> str:
    """A regular expression of a folded search column that has a word starting with ``term`` ("ecr"
    is in "amazon ecr" and "ecr:", not in "secrets"): what a search term matches, on both databases.
    courses.snippets marks the same in the text shown."""
    return "(^|[^a-z0-9])" + re.escape(term)


def relevance(terms: list[str]) -> dict:
    """{name: expression} of a lesson's relevance to the folded ``terms``, in any language: how many
    of them begin a word of its title (``title_words``) and how many its title or text holds
    (``words``). Read from the folded search columns, the same lookups on both databases."""
    columns = [translated.localized("search_text", language) for language in translated.languages()]
    title_words, words = Value(0), Value(0)
    for term in dict.fromkeys(terms[:RANKED_TERMS]):
        in_title, anywhere = Q(), Q()
        for column in columns:
            in_title |= Q(**{f"{column}__regex": title_word(term)})
            anywhere |= Q(**{f"{column}__regex": word(term)})
        title_words += Case(When(in_title, then=Value(1)), default=Value(0))
        words += Case(When(anywhere, then=Value(1)), default=Value(0))
    return {"title_words": title_words, "words": words}


class LessonQuerySet(VersionedQuerySet):
    def published(self):
        return self.filter(published=True, module__published=True)

    def search(self, query: str):
        """Lessons whose title or text match ``query`` in any language, accents ignored (the folded
        search columns: ``trien khai`` finds ``triển khai``), the most relevant first (relevance()).
        PostgreSQL: full-text search of the stored vectors (search_vectors(): each language's folded
        words, and the English text stemmed), each GIN-indexed (courses 0007); elsewhere every folded
        word at the start of a word of the folded columns (``word``: "ecr" does not find "secrets")."""
        lessons = self.select_related("module__path")
        own = translated.active()
        terms = fold(query).split()
        if connection.vendor == "postgresql":
            folded = SearchQuery(fold(query), search_type="websearch", config="simple")
            english = SearchQuery(query, search_type="websearch", config="english")
            # Stored vectors, not to_tsvector() expressions: the planner prices an expression at its
            # declared cost, far below parsing a lesson, and so chose a Seq Scan that computed three
            # vectors of every lesson (1,116 lessons, "trien khai" in Vietnamese: 3.4 s, against 0.5 s
            # for the BitmapOr of the expression indexes it refused). With stored columns it reads the
            # indexes of its own accord (tests/courses/test_search_indexes.py; measured beside it).
            matches = {
                language: Q(**{translated.localized("search_vector", language): folded})
                for language in translated.languages()
            }
            found = Q(search_english=english)
            for condition in matches.values():
                found |= condition
            # The stemmed rank of the English text (its title weighted A) orders what the words tie.
            return (
                lessons.filter(found)
                .annotate(**relevance(terms), in_language=ExpressionWrapper(matches[own], BooleanField()))
                .annotate(rank=SearchRank(F("search_english"), english))
                .order_by(*RELEVANCE_ORDER[:3], "-rank", *RELEVANCE_ORDER[3:])
            )
        columns = [translated.localized("search_text", language) for language in translated.languages()]
        in_language = Q(*(Q(**{f"{translated.localized('search_text', own)}__regex": word(term)}) for term in terms))
        condition = Q()
        for column in columns:
            condition |= Q(*(Q(**{f"{column}__regex": word(term)}) for term in terms))
        return (
            lessons.filter(condition)
            .annotate(**relevance(terms), in_language=ExpressionWrapper(in_language, BooleanField()))
            .order_by(*RELEVANCE_ORDER)
        )

    def store_search_vectors(self) -> int:
        """PostgreSQL: these lessons' search vectors computed again from their texts (search_vectors());
        elsewhere nothing (SQLite searches the folded columns). Run after every write of a text they are
        computed from: Lesson.save and this queryset's update, bulk_update and bulk_create call it.
        Derived data of a write already recorded: it neither bumps the content version nor records a
        change (VersionedQuerySet.update is passed by)."""
        if connection.vendor != "postgresql":
            return 0
        return super(VersionedQuerySet, self).update(**search_vectors())

    def update(self, **kwargs):
        sources = connection.vendor == "postgresql" and not SEARCH_SOURCES.isdisjoint(kwargs)
        ids = list(self.values_list("pk", flat=True)) if sources else []
        rows = super().update(**kwargs)
        if ids:
            self.model.objects.filter(pk__in=ids).store_search_vectors()
        return rows

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        rows = super().bulk_update(objs, fields, *args, **kwargs)
        if not SEARCH_SOURCES.isdisjoint(fields):
            self.model.objects.filter(pk__in=[obj.pk for obj in objs]).store_search_vectors()
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        self.model.objects.filter(pk__in=[obj.pk for obj in created if obj.pk is not None]).store_search_vectors()
        return created


class Lesson(ImportedContent):
    IMPORT_FIELDS = (
        "slug",
        "title",
        "order",
        "estimated_minutes",
        "body_md",
        "takeaways",
        "sources",
        "published",
        "reviewed",
        "beyond_workshop",
    )
    LATER_IMPORT_FIELDS = {"reviewed": None, "beyond_workshop": False}

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    key = models.SlugField(
        _("key"), max_length=120, help_text=_("Stable identifier used by the content files; never shown to learners.")
    )
    slug = models.SlugField(_("slug"), max_length=120)
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveIntegerField(_("order"), default=0)
    estimated_minutes = models.PositiveIntegerField(_("estimated minutes"), default=10)
    body_md = models.TextField(_("body (markdown)"))
    body_html = models.TextField(_("body (rendered)"), editable=False, blank=True)
    body_text = models.TextField(editable=False, blank=True)
    # The title and text folded for search (devopslearn.lib.fold), a column per language beside the
    # text: LessonQuerySet.search reads it on SQLite, and on PostgreSQL its vector (below).
    search_text = models.TextField(editable=False, blank=True)
    # PostgreSQL: the search's vectors (search_vectors(); a column per language of the folded words,
    # and the English text stemmed), stored and GIN-indexed (courses 0007); NULL on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    search_english = SearchVectorField(null=True, editable=False)
    takeaways = models.TextField(_("key takeaways"), blank=True, help_text=_("One takeaway a line."))
    sources = models.CharField(
        _("source reports"), max_length=500, blank=True, help_text=_("The workshop reports this lesson draws on.")
    )
    published = models.BooleanField(_("published"), default=False)
    reviewed = models.DateField(
        _("checked against AWS documentation on"),
        null=True,
        blank=True,
        help_text=_("The date the lesson was last checked against the AWS documentation; shown to learners."),
    )
    beyond_workshop = models.BooleanField(
        _("beyond the workshop"),
        default=False,
        help_text=_("The lesson extends what the workshop covered; learners see a “Beyond the workshop” badge."),
    )

    objects = LessonQuerySet.as_manager()

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["module", "slug"], name="courses_lesson_unique_slug_in_module"),
            models.UniqueConstraint(fields=["module", "key"], name="courses_lesson_unique_key_in_module"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if not self.key:
            self.key = self.slug
        rendered = self.rendered_values()
        for name, value in rendered.items():
            setattr(self, name, value)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *rendered}
        super().save(*args, **kwargs)
        type(self).objects.filter(pk=self.pk).store_search_vectors()

    def get_absolute_url(self) -> str:
        return reverse("courses:lesson", args=[self.module.path.slug, self.module.slug, self.slug])

    def rendered_values(self) -> dict:
        values = {}
        for language, source in self.each_language("body_md"):
            html = render_markdown(source)
            title = translated.in_language(self, "title", language) or ""
            values[translated.localized("body_html", language)] = html
            values[translated.localized("body_text", language)] = plain_text(html)
            values[translated.localized("search_text", language)] = fold(f"{title}\n{plain_text(html)}")
        for language in translated.languages():
            for name in ("body_html", "body_text", "search_text"):
                values.setdefault(translated.localized(name, language), "")
        return values

    def body_html_safe(self):
        """The stored, sanitised rendering: the only lesson HTML ever marked safe."""
        return mark_safe(self.body_html)  # noqa: S308 - sanitised by render_markdown when saved

    @property
    def takeaway_list(self) -> list[str]:
        return lines(self.takeaways)

    @property
    def source_list(self) -> list[str]:
        return [s.strip() for s in self.sources.split(",") if s.strip()]
