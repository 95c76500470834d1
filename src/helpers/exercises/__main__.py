"""``python -m helpers.exercises``: rewrite the trainee notebooks in notebooks/exercises/."""

from helpers.exercises.notebook import write_notebooks

if __name__ == "__main__":
    for path in write_notebooks():
        print(path)
