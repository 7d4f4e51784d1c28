"""Posts of every kind and the neighbourhood feed (issue 5, "Neighbourhood life")."""
