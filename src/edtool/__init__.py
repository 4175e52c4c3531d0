"""edtool: editorial toolkit for a German tech-news desk."""

__version__ = "0.1.0"
