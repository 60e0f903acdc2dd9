"""Catalog: categories, products and SKUs, stock, search, reviews and favourites."""
